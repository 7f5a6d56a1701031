import { spawn } from 'node:child_process';
import path from 'node:path';

/** Runs a command; resolves with its combined output, rejects with it on a non-zero exit. */
export function run(
  command: string,
  args: string[],
  options: { stdin?: NodeJS.ReadableStream; cwd?: string } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    if (options.stdin && child.stdin) options.stdin.pipe(child.stdin);
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(output)
        : reject(
            new Error(`${path.basename(command)} exited ${code}: ${output.trim().slice(-2000)}`),
          ),
    );
  });
}
