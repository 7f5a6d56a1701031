import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import avro from 'avsc';
import {
  commonNamespace,
  namespaceOf,
  services,
  type EventDefinition,
  type RecordSchema,
  type Service,
} from '../definitions.js';
import { avroOptions } from '../timestamp.js';
import { fullNameOf, inlineNamedTypes, type NamedSchema } from './inline.js';

/** A `.avsc` file, its path relative to the schemas directory with `/` separators. */
export interface SchemaFile {
  path: string;
  text: string;
}

export interface LoadedEvent extends EventDefinition {
  /** Where the event was read from, relative to the schemas directory. */
  readonly file: string;
  /** The record as written, shared types still referenced by name. */
  readonly source: RecordSchema;
}

export interface LoadedCatalog {
  /** Every event, self-contained, ordered by service (catalog order) then name. */
  events: LoadedEvent[];
  /** Shared named types from `common/`, as written. */
  shared: Map<string, NamedSchema>;
}

/** Reads every `.avsc` below `directory` (I/O; `buildCatalog` does the rest). */
export async function readSchemaFiles(directory: string): Promise<SchemaFile[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && e.name.endsWith('.avsc'))
    .map((e) => path.relative(directory, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
  return Promise.all(
    files.map(async (file) => ({
      path: file,
      text: await readFile(path.join(directory, file), 'utf8'),
    })),
  );
}

/**
 * Checks the layout rules (`common/<Type>.avsc` in `orderflow.common`,
 * `<service>/<Event>.avsc` in `orderflow.<service>`), inlines shared types into every
 * event and proves each result parses with avsc. Any violation names the file.
 */
export function buildCatalog(files: readonly SchemaFile[]): LoadedCatalog {
  const shared = new Map<string, NamedSchema>();
  const authored: { file: string; service: Service; schema: RecordSchema }[] = [];
  for (const file of files) {
    const fail = (message: string): never => {
      throw new Error(`schemas/${file.path}: ${message}`);
    };
    const [directory, fileName, ...rest] = file.path.split('/');
    if (!directory || !fileName || rest.length > 0) fail('expected <directory>/<Name>.avsc');
    const schema = parseJson(file.text, fail) as NamedSchema;
    const baseName = fileName?.replace(/\.avsc$/, '');
    if (schema.name !== baseName) fail(`record name "${schema.name}" must equal the file name`);
    if (directory === 'common') {
      if (schema.namespace !== commonNamespace) fail(`namespace must be ${commonNamespace}`);
      shared.set(fullNameOf(schema.name, schema.namespace), schema);
      continue;
    }
    const service = services.find((s) => s === directory);
    if (!service) return fail(`unknown service directory "${directory}"`);
    if (schema.type !== 'record') fail('an event must be a record');
    if (schema.namespace !== namespaceOf(service))
      fail(`namespace must be ${namespaceOf(service)}`);
    authored.push({ file: file.path, service, schema: schema as unknown as RecordSchema });
  }

  const events = authored.map(({ file, service, schema: source }): LoadedEvent => {
    let schema: RecordSchema;
    try {
      schema = inlineNamedTypes(source, shared);
      avro.Type.forSchema(schema as avro.Schema, avroOptions());
    } catch (error) {
      throw new Error(`schemas/${file}: ${(error as Error).message}`);
    }
    const fullName = fullNameOf(schema.name, schema.namespace);
    return { type: schema.name, service, fullName, schema, file, source };
  });
  events.sort(
    (a, b) =>
      services.indexOf(a.service) - services.indexOf(b.service) || a.type.localeCompare(b.type),
  );
  const names = events.map((e) => e.type);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new Error(`event name ${duplicate} is used by two services`);
  return { events, shared };
}

export async function loadCatalog(directory: string): Promise<LoadedCatalog> {
  return buildCatalog(await readSchemaFiles(directory));
}

function parseJson(text: string, fail: (message: string) => never): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    return fail(`invalid JSON: ${(error as Error).message}`);
  }
}
