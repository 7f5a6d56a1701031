import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { buildCatalog, type SchemaFile } from '../schemas/load.js';
import type { SchemaVersion } from './compatibility.js';

const run = promisify(execFile);

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/**
 * Every committed version of every event, self-contained as it was at its commit.
 * Shared types are inlined with the `common/` files of the same commit, because a
 * change to Money is a change to every event that carries money. Identical versions
 * are reported once (at their oldest commit). Outside a git checkout: none.
 */
export async function committedVersions(
  repoRoot: string,
  schemasPath: string,
): Promise<Map<string, SchemaVersion[]>> {
  const versions = new Map<string, SchemaVersion[]>();
  let log: string;
  try {
    log = await git(repoRoot, ['log', '--reverse', '--format=%H %h', '--', schemasPath]);
  } catch {
    return versions;
  }
  const seen = new Set<string>();
  for (const line of log.split('\n').filter(Boolean)) {
    const [commit = '', short = ''] = line.split(' ');
    const listing = await git(repoRoot, [
      'ls-tree',
      '-r',
      '--name-only',
      commit,
      '--',
      schemasPath,
    ]);
    const paths = listing.split('\n').filter((p) => p.endsWith('.avsc'));
    const files: SchemaFile[] = await Promise.all(
      paths.map(async (p) => ({
        path: p.slice(schemasPath.replace(/\/$/, '').length + 1),
        text: await git(repoRoot, ['show', `${commit}:${p}`]),
      })),
    );
    let catalog;
    try {
      catalog = buildCatalog(files);
    } catch (error) {
      // A commit whose schemas never parsed was never deployable; nothing can have
      // been written with it, so it constrains nothing.
      process.emitWarning(`skipping ${short}: ${(error as Error).message}`);
      continue;
    }
    for (const event of catalog.events) {
      const key = `${event.fullName} ${JSON.stringify(event.schema)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const list = versions.get(event.type) ?? [];
      list.push({ label: `git ${short}`, schema: event.schema });
      versions.set(event.type, list);
    }
  }
  return versions;
}
