import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateOutputs } from '../codegen/outputs.js';
import { loadCatalog } from '../schemas/load.js';
import { libraryRoot, schemasDirectory } from './paths.js';

// `npm run schemas:generate`: rewrites src/generated from schemas/*.avsc.
const catalog = await loadCatalog(schemasDirectory);
for (const [file, content] of generateOutputs(catalog)) {
  const target = path.join(libraryRoot, file);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, content);
  console.log(`wrote libs/events/${file}`);
}
