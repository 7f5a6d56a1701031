import { eventDefinitions, eventTypes } from '../generated/catalog.js';
import { buildAsyncApi } from './document.js';

/**
 * The contract as AsyncAPI 3, built from the runtime catalog: what a service serves at
 * `/asyncapi.json`, equal to the generated `asyncapi.json` (which codegen builds from
 * the .avsc files, without importing what it generates).
 */
export function asyncApiDocument(): Record<string, unknown> {
  return buildAsyncApi(eventTypes.map((type) => eventDefinitions[type]));
}
