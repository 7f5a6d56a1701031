import { startServiceForTest } from '@orderflow/platform/testing';
import { createTopics, testKafka, uniqueName } from '@orderflow/testing';
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
      const ready = await fetch(`${service.baseUrl}/readyz`);
      expect(ready.status).toBe(200);
    } finally {
      await service.stop();
    }
  });
});
