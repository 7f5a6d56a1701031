import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Parser } from '@asyncapi/parser';
import avro from 'avsc';
import { loadCatalog } from '../schemas/load.js';
import { avroOptions } from '../timestamp.js';
import { generateOutputs } from './outputs.js';

// Jest runs this file as CommonJS, where __dirname is defined.
const library = path.resolve(__dirname, '..', '..');

describe('generated files', () => {
  let outputs: Map<string, string>;
  beforeAll(async () => {
    outputs = generateOutputs(await loadCatalog(path.join(library, 'schemas')));
  });

  it('are up to date with the schemas (else run npm run schemas:generate)', async () => {
    expect([...outputs.keys()].sort()).toEqual([
      'src/generated/asyncapi.json',
      'src/generated/catalog.ts',
      'src/generated/types.ts',
    ]);
    for (const [file, expected] of outputs) {
      const committed = await readFile(path.join(library, file), 'utf8');
      expect({ file, upToDate: committed === expected }).toEqual({ file, upToDate: true });
    }
  });

  it('include an AsyncAPI 3 document the AsyncAPI parser accepts without errors or warnings', async () => {
    const text = outputs.get('src/generated/asyncapi.json')!;
    const { document, diagnostics } = await new Parser().parse(text);
    // Spectral severities: 0 error, 1 warning, 2 information, 3 hint.
    expect(diagnostics.filter((d) => Number(d.severity) <= 1).map((d) => d.message)).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
    expect(
      document
        ?.channels()
        .all()
        .map((c) => c.address()),
    ).toEqual(['orders.events', 'payments.events', 'shipping.events', 'notifications.events']);
    expect(document?.allMessages().length).toBe(10);
  });

  it('give every AsyncAPI message a payload avsc can parse, named as its record', () => {
    // The parser does not validate Avro payloads without an extra plugin; avsc does.
    const doc = JSON.parse(outputs.get('src/generated/asyncapi.json')!) as {
      components: {
        messages: Record<string, { payload: { schemaFormat: string; schema: unknown } }>;
      };
    };
    for (const [name, message] of Object.entries(doc.components.messages)) {
      expect(message.payload.schemaFormat).toBe('application/vnd.apache.avro;version=1.9.0');
      const type = avro.Type.forSchema(message.payload.schema as avro.Schema, avroOptions());
      expect(type.name?.endsWith(`.${name}`)).toBe(true);
    }
  });
});
