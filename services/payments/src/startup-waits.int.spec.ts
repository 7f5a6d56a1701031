import net from 'node:net';
import { startServiceForTest } from '@orderflow/platform/testing';
import { createTopics, eventually, stack, testKafka, uniqueName } from '@orderflow/testing';
import { startPayments } from './app.js';

/**
 * Where a job or an operator creates the topics (KAFKA_ENSURE_TOPICS=false, as the Helm
 * chart runs the services), a service starting first waits for them instead of
 * failing on its first metadata request, and says which ones it waits for.
 */
describe('payments on topics it does not create', () => {
  const settings = (waitMs: number) => ({
    SEED_DEMO_ACCOUNTS: false,
    KAFKA_ENSURE_TOPICS: false,
    KAFKA_TOPICS_WAIT_MS: waitMs,
  });
  const topicsUnder = (prefix: string) =>
    ['orders', 'payments', 'shipping', 'notifications'].flatMap((s) => [
      `${prefix}${s}.events`,
      `${prefix}${s}.events.dlq`,
    ]);

  it('gives up after KAFKA_TOPICS_WAIT_MS, naming the topics that never appeared', async () => {
    const prefix = `${uniqueName('absent')}.`;
    await expect(
      startServiceForTest('payments', startPayments, settings(2_000), prefix),
    ).rejects.toThrow(`topics still missing after 2s: ${prefix}payments.events`);
  });

  it('starts once another party has created them', async () => {
    const prefix = `${uniqueName('later')}.`;
    const starting = startServiceForTest('payments', startPayments, settings(120_000), prefix);
    await createTopics(testKafka(), topicsUnder(prefix));
    const service = await starting;
    try {
      await ready(service.baseUrl);
    } finally {
      await service.stop();
    }
  });
});

/**
 * A service started while Kafka does not answer yet (starting, restarting) waits for it
 * instead of exiting. Kafka is reached through a gate that drops connections until the
 * service has tried, then lets them through.
 */
describe('payments starting before Kafka answers', () => {
  it('waits, and starts once a broker answers', async () => {
    const [host, port] = stack.endpoints.kafkaBrokers[0]!.split(':') as [string, string];
    let open = false;
    let dropped = 0;
    const gate = net.createServer((socket) => {
      if (!open) {
        dropped += 1;
        socket.destroy();
        return;
      }
      const upstream = net.connect(Number(port), host);
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve) => gate.listen(0, '127.0.0.1', resolve));
    const { port: gatePort } = gate.address() as net.AddressInfo;
    try {
      const starting = startServiceForTest('payments', startPayments, {
        SEED_DEMO_ACCOUNTS: false,
        KAFKA_BROKERS: [`127.0.0.1:${gatePort}`],
        KAFKA_CONNECT_WAIT_MS: 120_000,
      });
      await eventually(() => expect(dropped).toBeGreaterThan(0), 60_000, 50);
      open = true;
      const service = await starting;
      try {
        await ready(service.baseUrl);
      } finally {
        await service.stop();
      }
    } finally {
      gate.close();
    }
  });
});

/** Ready once its consumer has joined its group, which may take a moment after start. */
async function ready(baseUrl: string): Promise<void> {
  await eventually(
    async () => expect((await fetch(`${baseUrl}/readyz`)).status).toBe(200),
    60_000,
    100,
  );
}
