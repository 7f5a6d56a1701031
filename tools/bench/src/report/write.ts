import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatted } from './format.js';
import type { Report } from './markdown.js';
import { renderMarkdown } from './markdown.js';

/** `2025-11-29T21-46-30` (a folder name that sorts by time). */
export function timestampFolder(date: Date): string {
  return date.toISOString().slice(0, 19).replaceAll(':', '-');
}

/** Writes bench.json and bench.md into `dir`; returns their paths. */
export async function writeResults(dir: string, report: Report): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const json = path.join(dir, 'bench.json');
  const md = path.join(dir, 'bench.md');
  writeFileSync(json, await formatted(json, `${JSON.stringify(report, null, 2)}\n`));
  writeFileSync(md, await formatted(md, renderMarkdown(report)));
  return [json, md];
}

/**
 * The committed reference run: docs/bench/reference.{json,md}, naming the machine it
 * ran on. Raw window data is left out to keep the diff readable.
 */
export async function writeReference(benchRoot: string, report: Report): Promise<string[]> {
  const dir = path.join(benchRoot, 'docs', 'bench');
  mkdirSync(dir, { recursive: true });
  const json = path.join(dir, 'reference.json');
  const md = path.join(dir, 'reference.md');
  const { details: _details, ...summary } = report;
  writeFileSync(json, await formatted(json, `${JSON.stringify(summary, null, 2)}\n`));
  const title = '# orderflow bench: reference run (written by `npm run bench -- --reference`), ';
  writeFileSync(
    md,
    await formatted(md, renderMarkdown(report).replace(/^# orderflow bench, /, title)),
  );
  return [json, md];
}
