import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Service } from '@orderflow/events';
import { deadLetterTopicOf, services, subscriptions, Topics } from '@orderflow/events';
import type { RunningService } from '@orderflow/platform/testing';
import { EventPlayer, startServiceForTest } from '@orderflow/platform/testing';
import type { PrivateSecureKafka } from '@orderflow/stack';
import { issueCertificates, serviceGrants, startPrivateSecureKafka } from '@orderflow/stack';
import { eventually, uniqueName } from '@orderflow/testing';
import type { KafkaConfig, LogEntry } from 'kafkajs';
import { Kafka, logLevel } from 'kafkajs';
import { startPayments } from './app.js';

/**
 * Payments on a broker in secure mode (`npm run stack -- up --secure`): SASL_SSL with
 * SCRAM-SHA-512, the stack's own CA, and ACLs that grant each service its topics only.
 *
 * The shared stack's broker stays PLAINTEXT, for the demo and every other test. This
 * file starts a secure broker of its own through the stack's own code (the same
 * component, in a state directory and on ports of its own) and stops it at the end:
 * one more broker start in CI, and nobody has to restart or authenticate to the
 * shared one. Postgres and the registry are the shared stack's.
 *
 * Payments runs in-process from its app factory, as user `payments` with its password
 * in a file, under a topic prefix granted by the same function that grants the stack's
 * services. The test plays orders with the admin user.
 */
describe('payments on Kafka with SASL_SSL and ACLs', () => {
  const prefix = `${uniqueName('secure')}.`;
  let kafka: PrivateSecureKafka;
  let player: EventPlayer;
  let service: RunningService;

  beforeAll(async () => {
    kafka = await startPrivateSecureKafka();
    await kafka.grant(prefix);
    service = await startServiceForTest(
      'payments',
      startPayments,
      {
        SEED_DEMO_ACCOUNTS: true,
        ...kafkaSettings(kafka.serviceEnvironment('payments')),
      },
      prefix,
    );
    player = await new EventPlayer(prefix, new Kafka(kafka.clientConfig('admin'))).start(
      'payments',
    );
  }, 300_000);

  afterAll(async () => {
    await player?.stop();
    await service?.stop();
    await kafka?.stop();
  }, 120_000);

  it('consumes its topics and publishes on its own, as its own user', async () => {
    const orderId = randomUUID();
    await player.send({ type: 'OrderPlaced', data: orderPlaced(orderId, 'c-ada', 2_500) });
    await eventually(
      () =>
        expect(player.publishedFor(orderId).map((m) => m.event.type)).toEqual([
          'PaymentAuthorized',
        ]),
      60_000,
    );
  });

  it("may not write another service's topic: TOPIC_AUTHORIZATION_FAILED", async () => {
    const producer = new Kafka(quiet(kafka.clientConfig('payments'))).producer();
    await producer.connect();
    try {
      await expect(
        producer.send({ topic: `${prefix}shipping.events`, messages: [{ key: 'k', value: 'v' }] }),
      ).rejects.toMatchObject({ type: 'TOPIC_AUTHORIZATION_FAILED' });
    } finally {
      await producer.disconnect();
    }
  });

  it("may not join another service's consumer group: GROUP_AUTHORIZATION_FAILED", async () => {
    // kafkajs turns a refused FindCoordinator into "coordinator not found"; the broker's
    // answer, decoded, is in the client's debug log.
    const refusals: string[] = [];
    const log = ({ log: entry }: LogEntry) => {
      const type = (entry['error'] as { type?: unknown } | undefined)?.type;
      if (typeof type === 'string') refusals.push(type);
    };
    const consumer = new Kafka({
      ...kafka.clientConfig('payments'),
      logLevel: logLevel.DEBUG,
      logCreator: () => log,
    }).consumer({ groupId: `${prefix}shipping` });
    const crashed = new Promise<void>((resolve) =>
      consumer.on(consumer.events.CRASH, () => resolve()),
    );
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [`${prefix}orders.events`] });
      await consumer.run({ eachMessage: () => Promise.resolve() });
      await crashed;
      expect(refusals).toContain('GROUP_AUTHORIZATION_FAILED');
    } finally {
      await consumer.disconnect();
    }
  });

  it('is refused with a wrong password: SASL authentication failed', async () => {
    const admin = new Kafka(
      kafka.clientConfig('payments', { password: 'not-its-password' }),
    ).admin();
    await expect(admin.connect()).rejects.toMatchObject({
      name: 'KafkaJSSASLAuthenticationError',
      message: expect.stringContaining('SASL SCRAM SHA512 authentication failed') as unknown,
    });
  });

  it('is refused by a client that trusts another CA', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'orderflow-other-ca-'));
    try {
      const other = {
        dir,
        caFile: path.join(dir, 'ca.pem'),
        keystore: path.join(dir, 'broker.p12'),
        keystorePassword: path.join(dir, 'broker.p12.password'),
      };
      writeFileSync(other.keystorePassword, `${randomUUID()}\n`, { mode: 0o600 });
      issueCertificates(other, 'CN=not-the-broker');
      const ca = readFileSync(other.caFile, 'utf8');
      const admin = new Kafka({
        ...quiet(kafka.clientConfig('payments', { ca })),
        retry: { retries: 0 },
      }).admin();
      await expect(admin.connect()).rejects.toMatchObject({
        message: expect.stringContaining('self-signed certificate in certificate chain') as unknown,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("grants every service what the event contract's subscriptions say it consumes", () => {
    for (const s of services) {
      const consumed = (Object.keys(subscriptions[s]) as Service[]).map((c) => Topics[c]);
      expect(serviceGrants(s)).toEqual({
        writes: [Topics[s], ...consumed.map(deadLetterTopicOf)],
        reads: consumed,
        groups: [s],
      });
    }
  });
});

/** A client whose refusals are the expected outcome: they are asserted, not logged. */
function quiet(config: KafkaConfig): KafkaConfig {
  return { ...config, logLevel: logLevel.NOTHING };
}

/** The service's Kafka variables in its parsed config's shape (KAFKA_BROKERS is a list). */
function kafkaSettings(env: Record<string, string>) {
  const { KAFKA_BROKERS = '', ...security } = env;
  return { ...security, KAFKA_BROKERS: KAFKA_BROKERS.split(',') } as {
    KAFKA_BROKERS: string[];
    KAFKA_SECURITY_PROTOCOL: 'SASL_SSL';
    KAFKA_SASL_MECHANISM: 'scram-sha-512';
    KAFKA_SASL_USERNAME: string;
    KAFKA_SASL_PASSWORD_FILE: string;
    KAFKA_SSL_CA_FILE: string;
  };
}

function orderPlaced(orderId: string, customerId: string, amountMinor: number) {
  const eur = { amountMinor, currency: 'EUR' };
  return {
    orderId,
    customerId,
    items: [{ sku: 'SKU-1', quantity: 1, unitPrice: eur }],
    total: eur,
    shippingAddress: {
      recipient: 'A',
      line1: 'x',
      line2: null,
      city: 'y',
      postalCode: 'z',
      country: 'PT',
    },
    placedAt: new Date(),
  };
}
