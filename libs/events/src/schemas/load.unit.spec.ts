import path from 'node:path';
import avro from 'avsc';
import { avroOptions } from '../timestamp.js';
import { buildCatalog, loadCatalog, type SchemaFile } from './load.js';

const schemas = path.resolve(__dirname, '..', '..', 'schemas');

const money = {
  path: 'common/Money.avsc',
  text: JSON.stringify({
    type: 'record',
    name: 'Money',
    namespace: 'orderflow.common',
    fields: [
      { name: 'amountMinor', type: 'long' },
      { name: 'currency', type: 'string' },
    ],
  }),
};
const event = (file: string, schema: object): SchemaFile => ({
  path: file,
  text: JSON.stringify(schema),
});
const refunded = {
  type: 'record',
  name: 'PaymentRefunded',
  namespace: 'orderflow.payments',
  fields: [
    { name: 'amount', type: 'orderflow.common.Money' },
    { name: 'fee', type: 'orderflow.common.Money' },
  ],
};

describe('the schema loader', () => {
  it('loads the ten catalog events, each self-contained', async () => {
    const catalog = await loadCatalog(schemas);
    expect(catalog.events.map((e) => e.fullName)).toHaveLength(10);
    for (const e of catalog.events) {
      // Parsing alone, with an empty registry of names, proves nothing is referenced.
      const type = avro.Type.forSchema(e.schema as avro.Schema, avroOptions());
      expect(type.name).toBe(e.fullName);
      expect(e.file).toBe(`${e.service}/${e.type}.avsc`);
    }
  });

  it('inlines a shared type at its first use and references it afterwards', () => {
    const { events } = buildCatalog([money, event('payments/PaymentRefunded.avsc', refunded)]);
    const fields = events[0]!.schema.fields;
    expect(fields[0]?.type).toMatchObject({ type: 'record', name: 'Money' });
    expect(fields[1]?.type).toBe('orderflow.common.Money');
  });

  it.each([
    [
      'a wrong namespace',
      'payments/PaymentRefunded.avsc',
      { ...refunded, namespace: 'x' },
      /namespace must be orderflow.payments/,
    ],
    [
      'a file name that is not the record name',
      'payments/Refund.avsc',
      refunded,
      /must equal the file name/,
    ],
    [
      'an unknown service directory',
      'billing/PaymentRefunded.avsc',
      refunded,
      /unknown service directory/,
    ],
    [
      'a reference to a type nobody defines',
      'payments/PaymentRefunded.avsc',
      { ...refunded, fields: [{ name: 'x', type: 'orderflow.common.Nope' }] },
      /unknown type "orderflow.common.Nope"/,
    ],
  ])('rejects %s, naming the file', (_, file, schema, message) => {
    expect(() => buildCatalog([money, event(file, schema)])).toThrow(message);
  });
});
