import { existsSync } from 'node:fs';
import path from 'node:path';
import { StackError } from './progress.js';

/** The repository root: the nearest directory at or above `from` that holds nx.json. */
export function workspaceRoot(from = process.cwd()): string {
  let dir = path.resolve(from);
  for (;;) {
    if (existsSync(path.join(dir, 'nx.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir)
      throw new StackError(`not inside the orderflow repository (no nx.json above ${from})`);
    dir = parent;
  }
}
