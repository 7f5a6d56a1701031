import { z } from 'zod';

export type JsonSchema = { [keyword: string]: unknown };

const componentPrefix = '#/components/schemas/';

/**
 * The shared schemas of one OpenAPI document. A zod schema registered with
 * `.meta({ id: 'Money' })` becomes `#/components/schemas/Money` wherever it is used, so
 * every `$ref` in the document resolves inside it; anything else is inlined.
 */
export class SchemaComponents {
  readonly schemas: Record<string, JsonSchema> = {};

  /**
   * The JSON Schema (2020-12, as OpenAPI 3.1 uses) of `schema` as a request sees it
   * (`input`: before defaults and coercions) or as a response carries it (`output`).
   */
  toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const converted = z.toJSONSchema(schema, { io }) as JsonSchema;
    const { $schema: _dialect, $defs, ...root } = converted;
    for (const [id, definition] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) {
      this.add(id, definition);
    }
    const rootId = z.globalRegistry.get(schema)?.id;
    // zod may already have moved a root with an id into $defs, leaving a $ref to it.
    if (rootId === undefined || '$ref' in root) return rewriteRefs(root) as JsonSchema;
    this.add(rootId, root);
    return { $ref: `${componentPrefix}${rootId}` };
  }

  private add(id: string, definition: JsonSchema): void {
    const schema = rewriteRefs(definition) as JsonSchema;
    const existing = this.schemas[id];
    if (existing && JSON.stringify(existing) !== JSON.stringify(schema)) {
      // A request and a response that see one schema differently (a default, a
      // coercion, a non-strict object) need two names, or one of them would be wrong.
      throw new Error(`schema "${id}" has two different JSON Schemas; give one of them its own id`);
    }
    this.schemas[id] = schema;
  }
}

/** zod refers to extracted schemas as `#/$defs/<id>`; in the document they are components. */
function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => {
      if (key !== '$ref') return [key, rewriteRefs(inner)];
      const match = /^#\/\$defs\/(.+)$/.exec(String(inner));
      if (!match?.[1]) throw new Error(`unresolvable $ref ${String(inner)}`);
      return [key, `${componentPrefix}${match[1]}`];
    }),
  );
}

/** Every `$ref` in `document` that does not point at something inside it (none, if it is sound). */
export function unresolvedRefs(document: unknown): string[] {
  const missing: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (typeof value !== 'object' || value === null) return;
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && resolvePointer(document, String(inner)) === undefined) {
        missing.push(String(inner));
      }
      visit(inner);
    }
  };
  visit(document);
  return missing;
}

function resolvePointer(document: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((token) => decodeURIComponent(token).replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<unknown>(
      (node, token) =>
        typeof node === 'object' && node !== null && Object.hasOwn(node, token)
          ? (node as Record<string, unknown>)[token]
          : undefined,
      document,
    );
}
