import type { LoadedCatalog } from '../schemas/load.js';
import { generatedHeader } from './types.js';

/** avro-ts names a namespace `orderflow.orders` as `OrderflowOrders`. */
function tsNamespace(avroNamespace: string): string {
  return avroNamespace
    .split('.')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/**
 * The runtime catalog: flat aliases for the generated types, a map from record name to
 * payload type, and each event's self-contained schema, so that nothing reads `.avsc`
 * files at run time.
 */
export function renderCatalog(catalog: LoadedCatalog): string {
  const named = [
    ...[...catalog.shared.values()].map((s) => ({ name: s.name, namespace: s.namespace ?? '' })),
    ...catalog.events.map((e) => ({ name: e.type, namespace: e.schema.namespace })),
  ];
  const seen = new Set<string>();
  for (const { name } of named) {
    if (seen.has(name)) throw new Error(`two named types are called ${name}; rename one`);
    seen.add(name);
  }
  const namespaces = [...new Set(named.map((n) => tsNamespace(n.namespace)))].sort();
  const lines = [
    generatedHeader,
    "import type { EventDefinition } from '../definitions.js';",
    `import type { ${namespaces.join(', ')} } from './types.js';`,
    '',
    ...named.map((n) => `export type ${n.name} = ${tsNamespace(n.namespace)}.${n.name};`),
    '',
    '/** Record name → payload type, for every integration event. */',
    'export interface EventDataMap {',
    ...catalog.events.map((e) => `  ${e.type}: ${e.type};`),
    '}',
    '',
    '/** Record name → the service that publishes it. */',
    'export interface EventServiceMap {',
    ...catalog.events.map((e) => `  ${e.type}: '${e.service}';`),
    '}',
    '',
    `export const eventTypes = [${catalog.events.map((e) => `'${e.type}'`).join(', ')}] as const;`,
    '',
    'export const eventDefinitions: {',
    '  readonly [K in keyof EventDataMap]: EventDefinition<K> & { service: EventServiceMap[K] };',
    '} = {',
    ...catalog.events.map(
      (e) =>
        `  ${e.type}: {\n    type: '${e.type}',\n    service: '${e.service}',\n` +
        `    fullName: '${e.fullName}',\n    schema: ${indent(JSON.stringify(e.schema, null, 2), 4)},\n  },`,
    ),
    '};',
    '',
  ];
  return lines.join('\n');
}

function indent(text: string, spaces: number): string {
  return text.replaceAll('\n', `\n${' '.repeat(spaces)}`);
}
