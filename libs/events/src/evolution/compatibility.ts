import avro from 'avsc';
import { avroOptions } from '../timestamp.js';
import { describe, fieldDiff } from './describe.js';

/**
 * `backward`: the new schema must read data written with an older one (consumers are
 * upgraded, old records are still on the topic or get replayed); this is what the
 * registry's BACKWARD_TRANSITIVE rule enforces. `forward`: an older schema must read
 * data written with the new one (consumers that have not been deployed yet keep
 * working). Avro counts a removed field as backward compatible; only the forward
 * check catches removing a field that older readers require.
 */
export type Direction = 'backward' | 'forward';

export interface SchemaVersion {
  /** Where the older version comes from, e.g. `git 1a2b3c4` or `registry v2`. */
  label: string;
  schema: unknown;
}

export interface EvolutionProblem {
  direction: Direction;
  against: string;
  /** One sentence per incompatibility, naming the field path. */
  reasons: string[];
  /** Field-level diff from the older version to the new one. */
  diff: string[];
}

export function parseSchema(schema: unknown): avro.Type {
  return avro.Type.forSchema(schema as avro.Schema, avroOptions());
}

/** Checks `current` against every older version in the given directions. Pure. */
export function checkEvolution(
  current: unknown,
  previous: readonly SchemaVersion[],
  directions: readonly Direction[] = ['backward', 'forward'],
): EvolutionProblem[] {
  const newer = parseSchema(current);
  const problems: EvolutionProblem[] = [];
  for (const version of previous) {
    const older = parseSchema(version.schema);
    for (const direction of directions) {
      const reasons = incompatibilities(older, newer, direction, version.label);
      if (reasons.length > 0) {
        problems.push({
          direction,
          against: version.label,
          reasons,
          diff: fieldDiff(older, newer),
        });
      }
    }
  }
  return problems;
}

/** Why the reader cannot read the writer's data; empty when it can (avsc decides). */
export function incompatibilities(
  older: avro.Type,
  newer: avro.Type,
  direction: Direction,
  label: string,
): string[] {
  const [reader, writer] = direction === 'backward' ? [newer, older] : [older, newer];
  if (canRead(reader, writer)) return [];
  const reasons = explain(older, newer, direction, label, '');
  // avsc's verdict stands even when the walk below finds no specific field to blame.
  return reasons.length > 0 ? reasons : [resolverMessage(reader, writer)];
}

function explain(
  older: avro.Type,
  newer: avro.Type,
  direction: Direction,
  label: string,
  path: string,
): string[] {
  const [reader, writer] = direction === 'backward' ? [newer, older] : [older, newer];
  if (canRead(reader, writer)) return [];
  const at = path || '(record)';
  if (older instanceof avro.types.RecordType && newer instanceof avro.types.RecordType) {
    if (older.name !== newer.name && !(reader.aliases ?? []).includes(writer.name ?? '')) {
      return [
        `${at}: record ${older.name ?? ''} was renamed to ${newer.name ?? ''} without an alias`,
      ];
    }
    const reasons: string[] = [];
    for (const field of (reader as avro.types.RecordType).fields) {
      const fieldPath = path ? `${path}.${field.name}` : field.name;
      const match = (writer as avro.types.RecordType).fields.find(
        (f) => f.name === field.name || (field.aliases ?? []).includes(f.name),
      );
      if (match) {
        const [o, n] =
          direction === 'backward' ? [match.type, field.type] : [field.type, match.type];
        reasons.push(...explain(o, n, direction, label, fieldPath));
      } else if (field.defaultValue() === undefined) {
        reasons.push(
          direction === 'backward'
            ? `${fieldPath}: added without a default, so data written with ${label} has no value for it`
            : `${fieldPath}: removed, but readers on ${label} require it (no default there)`,
        );
      }
    }
    return reasons;
  }
  if (older instanceof avro.types.ArrayType && newer instanceof avro.types.ArrayType) {
    return explain(older.itemsType, newer.itemsType, direction, label, `${path}[]`);
  }
  if (older instanceof avro.types.EnumType && newer instanceof avro.types.EnumType) {
    const missing = writer instanceof avro.types.EnumType ? writer.symbols : [];
    const unknown = missing.filter((s) => !(reader as avro.types.EnumType).symbols.includes(s));
    if (unknown.length > 0) {
      return [
        direction === 'backward'
          ? `${at}: enum symbols removed (${unknown.join(', ')}) that data written with ${label} may contain`
          : `${at}: enum symbols added (${unknown.join(', ')}) that readers on ${label} do not know`,
      ];
    }
  }
  return [`${at}: type changed from ${describe(older)} to ${describe(newer)}`];
}

function canRead(reader: avro.Type, writer: avro.Type): boolean {
  try {
    reader.createResolver(writer);
    return true;
  } catch {
    return false;
  }
}

function resolverMessage(reader: avro.Type, writer: avro.Type): string {
  try {
    reader.createResolver(writer);
    return 'compatible';
  } catch (error) {
    return (error as Error).message;
  }
}

export function formatProblems(problems: readonly EvolutionProblem[]): string[] {
  return problems.flatMap((p) => [
    p.direction === 'backward'
      ? `cannot read data written with ${p.against}:`
      : `${p.against} cannot read data written with this version:`,
    ...p.reasons.map((r) => `  - ${r}`),
    '  diff:',
    ...p.diff.map((d) => `    ${d}`),
  ]);
}
