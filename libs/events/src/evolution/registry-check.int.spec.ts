import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { stack, uniqueName } from '@orderflow/testing';
import { checkAgainstRegistry } from './registry-check.js';

const registryUrl = stack.endpoints.registryUrl;
const v1 = {
  type: 'record' as const,
  name: 'OrderConfirmed',
  namespace: 'orderflow.orders',
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'paymentId', type: 'string' },
  ],
};

describe('checkAgainstRegistry (BACKWARD_TRANSITIVE on the real registry)', () => {
  const subject = `${uniqueName('check')}.orders.events-orderflow.orders.OrderConfirmed`;

  beforeAll(async () => {
    const registry = new SchemaRegistry({ host: registryUrl });
    await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(v1) }, { subject });
  });

  it('treats a subject that was never registered as new', async () => {
    const fresh = `${uniqueName('check')}-orderflow.orders.OrderConfirmed`;
    expect(await checkAgainstRegistry(registryUrl, fresh, v1)).toEqual({ status: 'new-subject' });
  });

  it('accepts an added optional field', async () => {
    const v2 = {
      ...v1,
      fields: [...v1.fields, { name: 'note', type: ['null', 'string'], default: null }],
    };
    expect(await checkAgainstRegistry(registryUrl, subject, v2)).toEqual({
      status: 'compatible',
      versions: 1,
    });
  });

  it('rejects a changed type and explains it against the registered version', async () => {
    const changed = { ...v1, fields: [v1.fields[0], { name: 'paymentId', type: 'int' }] };
    const verdict = await checkAgainstRegistry(registryUrl, subject, changed);
    expect(verdict).toMatchObject({ status: 'incompatible', versions: 1 });
    expect(verdict.status === 'incompatible' && verdict.problems).toEqual([
      {
        direction: 'backward',
        against: 'registry v1',
        reasons: ['paymentId: type changed from string to int'],
        diff: ['~ paymentId: string -> int'],
      },
    ]);
  });

  it('rejects a required field added without a default', async () => {
    const added = { ...v1, fields: [...v1.fields, { name: 'shipmentId', type: 'string' }] };
    const verdict = await checkAgainstRegistry(registryUrl, subject, added);
    expect(verdict.status).toBe('incompatible');
  });
});
