import type { RecordSchema } from '../definitions.js';

/** A named Avro type (record, enum or fixed) as written in a `.avsc` file. */
export interface NamedSchema {
  type: 'record' | 'enum' | 'fixed';
  name: string;
  namespace?: string;
  [key: string]: unknown;
}

const primitives = new Set([
  'null',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'bytes',
  'string',
]);

/**
 * Returns `schema` with every reference to a shared named type replaced by that type's
 * definition, the first time it appears (Avro forbids defining a name twice in one
 * schema; later uses stay references). The result is self-contained, so the registry
 * never needs schema references and every consumer can parse it on its own.
 */
export function inlineNamedTypes(
  schema: RecordSchema,
  shared: ReadonlyMap<string, NamedSchema>,
): RecordSchema {
  const defined = new Set<string>();
  return walk(structuredClone(schema), schema.namespace, shared, defined) as RecordSchema;
}

/**
 * Inlines several records as one Avro union, each shared type defined once overall:
 * the input for generating every TypeScript type into a single module.
 */
export function inlineAsUnion(
  schemas: readonly RecordSchema[],
  shared: ReadonlyMap<string, NamedSchema>,
): unknown[] {
  const defined = new Set<string>();
  return schemas.map((s) => walk(structuredClone(s), s.namespace, shared, defined));
}

export function fullNameOf(name: string, namespace: string | undefined): string {
  if (name.includes('.') || !namespace) return name;
  return `${namespace}.${name}`;
}

function walk(
  node: unknown,
  namespace: string | undefined,
  shared: ReadonlyMap<string, NamedSchema>,
  defined: Set<string>,
): unknown {
  if (typeof node === 'string') {
    if (primitives.has(node)) return node;
    const fullName = fullNameOf(node, namespace);
    if (defined.has(fullName)) return fullName;
    const definition = shared.get(fullName);
    if (!definition) throw new Error(`unknown type "${node}" (resolved as ${fullName})`);
    return walk(structuredClone(definition), namespace, shared, defined);
  }
  if (Array.isArray(node)) return node.map((branch) => walk(branch, namespace, shared, defined));
  if (typeof node !== 'object' || node === null)
    throw new Error(`invalid schema node ${String(node)}`);

  const schema = node as Record<string, unknown>;
  switch (schema.type) {
    case 'record':
    case 'error':
    case 'enum':
    case 'fixed': {
      const name = String(schema.name);
      const ownNamespace = typeof schema.namespace === 'string' ? schema.namespace : namespace;
      const fullName = fullNameOf(name, ownNamespace);
      if (defined.has(fullName)) throw new Error(`type ${fullName} is defined twice`);
      defined.add(fullName);
      if (schema.type === 'enum' || schema.type === 'fixed') return schema;
      const fields = schema.fields as { type: unknown }[];
      const innerNamespace = name.includes('.')
        ? name.slice(0, name.lastIndexOf('.'))
        : ownNamespace;
      return {
        ...schema,
        fields: fields.map((f) => ({ ...f, type: walk(f.type, innerNamespace, shared, defined) })),
      };
    }
    case 'array':
      return { ...schema, items: walk(schema.items, namespace, shared, defined) };
    case 'map':
      return { ...schema, values: walk(schema.values, namespace, shared, defined) };
    default:
      // A primitive written as an object, possibly with a logicalType.
      return schema;
  }
}
