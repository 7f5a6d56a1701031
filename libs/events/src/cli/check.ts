import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { generateOutputs } from '../codegen/outputs.js';
import { Topics, subjectName } from '../definitions.js';
import { checkEvolution, formatProblems } from '../evolution/compatibility.js';
import { committedVersions } from '../evolution/history.js';
import { checkAgainstRegistry } from '../evolution/registry-check.js';
import { loadCatalog } from '../schemas/load.js';
import { libraryRoot, repoRoot, schemasDirectory, schemasGitPath } from './paths.js';

/**
 * `npm run schemas:check`: fails (exit 1) when generated files are stale, when a schema
 * breaks a committed earlier version of itself (either direction, see Direction), or
 * when the registry's own rule (BACKWARD_TRANSITIVE) rejects it. Pass --no-registry to
 * skip the registry, e.g. on a machine without the stack.
 */
const registryUrl = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:18081/apis/ccompat/v7';
const useRegistry = !process.argv.includes('--no-registry');
const failures: string[] = [];

const catalog = await loadCatalog(schemasDirectory);
for (const [file, expected] of generateOutputs(catalog)) {
  const actual = await readFile(path.join(libraryRoot, file), 'utf8').catch(() => '');
  if (actual !== expected)
    failures.push(`libs/events/${file} is stale: run npm run schemas:generate`);
}

const history = await committedVersions(repoRoot, schemasGitPath);
for (const event of catalog.events) {
  const subject = subjectName(Topics[event.service], event.fullName);
  const lines: string[] = [];
  const previous = history.get(event.type) ?? [];
  lines.push(...formatProblems(checkEvolution(event.schema, previous)));
  let registryNote = 'registry skipped';
  if (useRegistry) {
    try {
      const verdict = await checkAgainstRegistry(registryUrl, subject, event.schema);
      registryNote = `registry: ${verdict.status}`;
      if (verdict.status === 'incompatible') {
        lines.push(
          'registry (BACKWARD_TRANSITIVE) rejects it:',
          ...formatProblems(verdict.problems),
        );
      }
    } catch (error) {
      lines.push(`registry at ${registryUrl} unusable: ${(error as Error).message}`);
    }
  }
  const summary = `${event.file} (${previous.length} committed version(s), ${registryNote})`;
  if (lines.length === 0) {
    console.log(`ok    ${summary}`);
  } else {
    console.log(`FAIL  ${summary}\n${lines.map((l) => `      ${l}`).join('\n')}`);
    failures.push(`${event.file} is incompatible`);
  }
}

if (failures.length > 0) {
  console.error(`\nschemas:check failed:\n  ${failures.join('\n  ')}`);
  process.exitCode = 1;
}
