import type { LoadedCatalog } from '../schemas/load.js';
import { buildAsyncApi } from '../asyncapi/document.js';
import { renderCatalog } from './catalog.js';
import { renderTypes } from './types.js';

/**
 * Every generated file, by path relative to `libs/events`. One function for both the
 * generate command and the staleness checks, so they cannot disagree.
 */
export function generateOutputs(catalog: LoadedCatalog): Map<string, string> {
  return new Map([
    ['src/generated/types.ts', renderTypes(catalog)],
    ['src/generated/catalog.ts', renderCatalog(catalog)],
    ['src/generated/asyncapi.json', `${JSON.stringify(buildAsyncApi(catalog.events), null, 2)}\n`],
  ]);
}
