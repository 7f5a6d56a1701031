import avro from 'avsc';

/** A short human description of an avsc type: `long`, `array<orderflow.common.OrderItem>`… */
export function describe(type: avro.Type): string {
  const t = type as avro.Type & Record<string, unknown>;
  if (type.typeName.startsWith('logical:')) return type.typeName.slice('logical:'.length);
  switch (type.typeName) {
    case 'record':
    case 'error':
      return type.name ?? 'record';
    case 'enum':
      return `enum ${type.name} {${(t.symbols as string[]).join(', ')}}`;
    case 'fixed':
      return `fixed ${type.name}(${String(t.size)})`;
    case 'array':
      return `array<${describe(t.itemsType as avro.Type)}>`;
    case 'map':
      return `map<${describe(t.valuesType as avro.Type)}>`;
    case 'union:unwrapped':
    case 'union:wrapped':
      return (t.types as avro.Type[]).map(describe).join(' | ');
    default:
      return type.typeName;
  }
}

/** Field path → described type (with its default), for records nested in records/arrays. */
export function flattenFields(type: avro.Type, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (type instanceof avro.types.RecordType) {
    for (const field of type.fields) {
      const path = prefix ? `${prefix}.${field.name}` : field.name;
      const fallback: unknown = field.defaultValue();
      const suffix = fallback === undefined ? '' : ` = ${JSON.stringify(fallback)}`;
      out.set(path, `${describe(field.type)}${suffix}`);
      for (const [p, d] of flattenFields(field.type, path)) out.set(p, d);
    }
  } else if (type instanceof avro.types.ArrayType) {
    for (const [p, d] of flattenFields(type.itemsType, `${prefix}[]`)) out.set(p, d);
  }
  return out;
}

/** `- removed`, `+ added`, `~ changed` lines between two versions of a record. */
export function fieldDiff(older: avro.Type, newer: avro.Type): string[] {
  const before = flattenFields(older);
  const after = flattenFields(newer);
  const lines: string[] = [];
  for (const [path, was] of before) {
    const now = after.get(path);
    if (now === undefined) lines.push(`- ${path}: ${was}`);
    else if (now !== was) lines.push(`~ ${path}: ${was} -> ${now}`);
  }
  for (const [path, now] of after) if (!before.has(path)) lines.push(`+ ${path}: ${now}`);
  return lines;
}
