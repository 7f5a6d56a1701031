import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { sql } from 'kysely';
import nodemailer from 'nodemailer';
import {
  createTestDatabase,
  createTopics,
  eventually,
  stack,
  testKafka,
  uniqueName,
} from './index.js';

/**
 * Smoke test of the real parts working together. Each case talks to one or more of
 * the four components and fails when any of them is down.
 */
// The first consumer group on a fresh broker waits for the offsets topic to be created and
// loaded; on a busy machine that alone can take most of a minute. This bound only stops a
// hung run.
jest.setTimeout(180_000);

describe('the local stack', () => {
  it('registers an Avro schema, produces an encoded record to Kafka and reads it back decoded', async () => {
    const registry = new SchemaRegistry({ host: stack.endpoints.registryUrl });
    const topic = uniqueName('smoke');
    const schema = {
      type: 'record',
      name: 'SmokeTested',
      namespace: 'orderflow.smoke',
      fields: [
        { name: 'id', type: 'string' },
        { name: 'count', type: 'int' },
      ],
    };
    const { id } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
      { subject: `${topic}-orderflow.smoke.SmokeTested` },
    );
    expect(id).toBeGreaterThan(0);

    const kafka = testKafka();
    await createTopics(kafka, [topic], 1);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const value = await registry.encode(id, { id: 'order-1', count: 3 });
    expect(value.readUInt8(0)).toBe(0); // Confluent wire format: magic byte, then the schema id
    expect(value.readInt32BE(1)).toBe(id);
    await producer.send({ topic, acks: -1, messages: [{ key: 'order-1', value }] });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: uniqueName('smoke') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: unknown[] = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push(await registry.decode(message.value!));
      },
    });
    try {
      await eventually(() => expect(received).toEqual([{ id: 'order-1', count: 3 }]), 150_000);
    } finally {
      await consumer.disconnect();
    }
  });

  it('runs a kysely query against Postgres', async () => {
    const database = await createTestDatabase<{ smoke: { id: number; note: string } }>('smoke');
    try {
      await database.db.schema
        .createTable('smoke')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('note', 'text')
        .execute();
      await database.db.insertInto('smoke').values({ id: 1, note: 'hello' }).execute();
      const rows = await database.db.selectFrom('smoke').selectAll().execute();
      expect(rows).toEqual([{ id: 1, note: 'hello' }]);
      const { rows: version } = await sql<{
        v: string;
      }>`select current_setting('server_version_num') as v`.execute(database.db);
      expect(Number(version[0]?.v)).toBeGreaterThanOrEqual(130000); // pg_snapshot_xmin and xid8 need 13+
    } finally {
      await database.drop();
    }
  });

  it('exports a span over OTLP and finds it through the Jaeger query API', async () => {
    const serviceName = uniqueName('smoke-service');
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': serviceName }),
      spanProcessors: [
        new SimpleSpanProcessor(
          new OTLPTraceExporter({ url: `${stack.endpoints.otlpHttpUrl}/v1/traces` }),
        ),
      ],
    });
    const span = provider
      .getTracer('smoke')
      .startSpan('smoke-span', { attributes: { 'order.id': 'order-1' } });
    span.end();
    await provider.forceFlush();
    await provider.shutdown();
    const { traceId } = span.spanContext();

    const trace = await eventually(
      async () => {
        const response = await fetch(`${stack.endpoints.jaegerQueryUrl}/api/traces/${traceId}`);
        expect(response.status).toBe(200);
        return (await response.json()) as JaegerTraces;
      },
      60_000,
      250,
    );
    const [found] = trace.data;
    expect(found?.traceID).toBe(traceId);
    expect(found?.spans.map((s) => s.operationName)).toEqual(['smoke-span']);
    expect(Object.values(found?.processes ?? {}).map((p) => p.serviceName)).toEqual([serviceName]);
  });

  it('accepts mail over SMTP and lists it through the Mailpit-compatible API', async () => {
    const messageId = `${uniqueName('smoke')}@orderflow.test`;
    const transport = nodemailer.createTransport({ url: stack.endpoints.smtpUrl });
    await transport.sendMail({
      from: 'orderflow@orderflow.test',
      to: 'ada@example.test',
      subject: 'smoke',
      text: 'hello',
      messageId: `<${messageId}>`,
    });
    transport.close();
    const response = await fetch(`${stack.endpoints.mailApiUrl}/api/v1/messages`);
    const { messages } = (await response.json()) as {
      messages: { MessageID: string; To: { Address: string }[]; Subject: string }[];
    };
    expect(messages.filter((m) => m.MessageID === messageId)).toEqual([
      expect.objectContaining({ To: [{ Address: 'ada@example.test' }], Subject: 'smoke' }),
    ]);
  });
});

interface JaegerTraces {
  data: {
    traceID: string;
    spans: { operationName: string }[];
    processes: Record<string, { serviceName: string }>;
  }[];
}
