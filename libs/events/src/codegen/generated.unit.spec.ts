import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AsyncAPIDocumentInterface } from '@asyncapi/parser';
import { Parser } from '@asyncapi/parser';
import avro from 'avsc';
import { asyncApiDocument } from '../asyncapi/served.js';
import { services } from '../definitions.js';
import { eventDefinitions, eventTypes } from '../generated/catalog.js';
import { DeadLetterHeaderNames } from '../header-names.js';
import { loadCatalog } from '../schemas/load.js';
import { avroOptions } from '../timestamp.js';
import { generateOutputs } from './outputs.js';

// Jest runs this file as CommonJS, where __dirname is defined.
const library = path.resolve(__dirname, '..', '..');

describe('generated files', () => {
  let outputs: Map<string, string>;
  let document: AsyncAPIDocumentInterface | undefined;
  beforeAll(async () => {
    outputs = generateOutputs(await loadCatalog(path.join(library, 'schemas')));
  });

  /** The generated document, parsed once; fails on any error or warning of the parser. */
  async function parsed(): Promise<AsyncAPIDocumentInterface> {
    if (document) return document;
    const result = await new Parser().parse(outputs.get('src/generated/asyncapi.json')!);
    // Spectral severities: 0 error, 1 warning, 2 information, 3 hint.
    expect(result.diagnostics.filter((d) => Number(d.severity) <= 1).map((d) => d.message)).toEqual(
      [],
    );
    document = result.document!;
    return document;
  }

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
    const document = await parsed();
    expect(document.version()).toBe('3.0.0');
    expect(
      document
        .channels()
        .all()
        .map((c) => c.address()),
    ).toEqual([
      'orders.events',
      'payments.events',
      'shipping.events',
      'notifications.events',
      'orders.events.dlq',
      'payments.events.dlq',
      'shipping.events.dlq',
    ]);
    expect(document.allMessages().length).toBe(11);
  });

  it('say who publishes, who consumes (as which group, acting on which events) and who dead-letters what', async () => {
    const document = await parsed();
    const table = document
      .operations()
      .all()
      .map((op) => {
        const kafka = op.bindings().get('kafka')?.value<{ groupId?: { enum: string[] } }>();
        const group = kafka?.groupId ? ` as ${kafka.groupId.enum.join()}` : '';
        const messages = op
          .messages()
          .all()
          .map((m) => m.name());
        return `${op.id()}: ${op.action()} ${op.channels().all()[0]?.address()}${group}: ${messages.join(' ')}`;
      });
    expect(table).toEqual([
      'ordersPublishes: send orders.events: OrderCancelled OrderConfirmed OrderPlaced',
      'paymentsPublishes: send payments.events: PaymentAuthorized PaymentDeclined PaymentRefunded',
      'shippingPublishes: send shipping.events: ShipmentCancelled ShipmentFailed ShipmentScheduled',
      'notificationsPublishes: send notifications.events: NotificationSent',
      'ordersConsumesPayments: receive payments.events as orders: PaymentAuthorized PaymentDeclined PaymentRefunded',
      'ordersDeadLettersPayments: send payments.events.dlq: DeadLetter',
      'ordersConsumesShipping: receive shipping.events as orders: ShipmentScheduled ShipmentFailed ShipmentCancelled',
      'ordersDeadLettersShipping: send shipping.events.dlq: DeadLetter',
      'paymentsConsumesOrders: receive orders.events as payments: OrderPlaced OrderCancelled',
      'paymentsDeadLettersOrders: send orders.events.dlq: DeadLetter',
      'paymentsConsumesShipping: receive shipping.events as payments: ShipmentFailed',
      'paymentsDeadLettersShipping: send shipping.events.dlq: DeadLetter',
      'shippingConsumesOrders: receive orders.events as shipping: OrderPlaced OrderCancelled',
      'shippingDeadLettersOrders: send orders.events.dlq: DeadLetter',
      'shippingConsumesPayments: receive payments.events as shipping: PaymentAuthorized',
      'shippingDeadLettersPayments: send payments.events.dlq: DeadLetter',
      'notificationsConsumesOrders: receive orders.events as notifications: OrderPlaced OrderConfirmed OrderCancelled',
      'notificationsDeadLettersOrders: send orders.events.dlq: DeadLetter',
    ]);
  });

  it('require the CloudEvents, trace and correlation headers on every event record, fixed by its type', async () => {
    const document = await parsed();
    for (const type of eventTypes) {
      const message = document.components().messages().get(type)!;
      const headers = message.headers()!;
      expect({ type, required: headers.required() }).toEqual({
        type,
        required: [
          'ce_id',
          'ce_type',
          'ce_source',
          'ce_specversion',
          'ce_time',
          'ce_subject',
          'traceparent',
          'correlation-id',
          'causation-id',
        ],
      });
      const definition = eventDefinitions[type];
      expect(headers.properties()!['ce_type']!.const()).toBe(definition.fullName);
      expect(headers.properties()!['ce_source']!.const()).toBe(`/orderflow/${definition.service}`);
      expect(Object.keys(headers.properties()!)).toEqual(
        expect.arrayContaining(['tracestate', 'dlq-redriven-at']),
      );
    }
  });

  it('give dead letters the dlq-* headers the consumer writes, beside the original headers', async () => {
    const document = await parsed();
    const headers = document.components().messages().get('DeadLetter')!.headers()!;
    const added = Object.values(DeadLetterHeaderNames).filter((h) => h !== 'dlq-redriven-at');
    expect(headers.required()).toEqual(added);
    expect(Object.keys(headers.properties()!)).toEqual(
      expect.arrayContaining([...added, 'ce_id', 'ce_type', 'traceparent', 'correlation-id']),
    );
  });

  it('tell producers to partition by murmur2 of the key, as Java does', async () => {
    const document = await parsed();
    for (const service of services) {
      const channel = document.channels().get(service)!;
      expect(channel.description()).toContain('murmur2(key bytes) & 0x7fffffff');
      expect(channel.description()).toContain('partitioner=murmur2_random');
      expect(channel.bindings().get('kafka')?.value()).toMatchObject({
        'x-partitioner': 'murmur2',
      });
    }
  });

  it('are what asyncApiDocument() builds from the runtime catalog, which services serve', () => {
    expect(asyncApiDocument()).toEqual(JSON.parse(outputs.get('src/generated/asyncapi.json')!));
  });

  it('give every AsyncAPI message a payload avsc can parse, named as its record', () => {
    // The parser does not validate Avro payloads without an extra plugin; avsc does.
    const doc = JSON.parse(outputs.get('src/generated/asyncapi.json')!) as {
      components: {
        messages: Record<string, { payload: { schemaFormat: string; schema: unknown } }>;
      };
    };
    for (const [name, message] of Object.entries(doc.components.messages)) {
      if (name === 'DeadLetter') continue; // the raw bytes, whatever they are
      expect(message.payload.schemaFormat).toBe('application/vnd.apache.avro;version=1.9.0');
      const type = avro.Type.forSchema(message.payload.schema as avro.Schema, avroOptions());
      expect(type.name?.endsWith(`.${name}`)).toBe(true);
    }
  });
});
