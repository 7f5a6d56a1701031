import { RequestQueue } from './kafkajs-idle-fix.js';

const silent = { debug: () => undefined, warn: () => undefined, error: () => undefined };
const logger = { namespace: () => silent, ...silent };
const queue = () =>
  new RequestQueue({
    maxInFlightRequests: null,
    requestTimeout: 30_000,
    enforceRequestTimeout: true,
    clientId: 'test',
    broker: 'broker:9092',
    logger,
    isConnected: () => true,
  });

describe('kafkajs request queue (idle fix)', () => {
  it('arms no timer when no request is pending', () => {
    const q = queue();
    q.scheduleCheckPendingRequests();
    expect(q.throttleCheckTimeoutId).toBeNull();
    q.destroy();
  });

  it('still checks the queue when a request waits', () => {
    const q = queue();
    q.pending.push({});
    q.scheduleCheckPendingRequests();
    expect(q.throttleCheckTimeoutId).not.toBeNull();
    q.pending.length = 0;
    q.destroy();
  });
});
