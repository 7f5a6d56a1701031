import { REQUEST_TIMEOUT_CHECK_MS, RequestQueue } from './kafkajs-idle-fix.js';

const silent = { debug: () => undefined, warn: () => undefined, error: () => undefined };
const logger = { namespace: () => silent, ...silent };
const queue = (isConnected = () => true) =>
  new RequestQueue({
    maxInFlightRequests: null,
    requestTimeout: 30_000,
    enforceRequestTimeout: true,
    clientId: 'test',
    broker: 'broker:9092',
    logger,
    isConnected,
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

  describe('request timeouts', () => {
    /** A connection check that counts its calls: one per look for timed-out requests. */
    const counted = (connected: boolean) => {
      const check = {
        looks: 0,
        isConnected: () => {
          check.looks += 1;
          return connected;
        },
      };
      return check;
    };
    beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
    afterEach(() => jest.useRealTimers());

    it('are looked for once a second, not every 100 ms', () => {
      const check = counted(true);
      const q = queue(check.isConnected);
      q.scheduleRequestTimeoutCheck();
      jest.advanceTimersByTime(REQUEST_TIMEOUT_CHECK_MS - 1);
      expect(check.looks).toBe(0);
      jest.advanceTimersByTime(1);
      expect(check.looks).toBe(1);
      jest.advanceTimersByTime(REQUEST_TIMEOUT_CHECK_MS * 3);
      expect(check.looks).toBe(4);
      q.destroy();
    });

    it('still time out a request past its timeout, and only that one', () => {
      const q = queue();
      const timedOut: string[] = [];
      const request = (name: string, sentAgoMs: number) => ({
        sentAt: Date.now() - sentAgoMs,
        requestTimeout: 30_000,
        timeoutRequest: () => timedOut.push(name),
      });
      q.inflight.set(1, request('stale', 29_500));
      q.inflight.set(2, request('fresh', 0));
      q.scheduleRequestTimeoutCheck();
      jest.advanceTimersByTime(REQUEST_TIMEOUT_CHECK_MS);
      expect(timedOut).toEqual(['stale']);
      q.destroy();
    });

    it('stop when the connection is gone', () => {
      const check = counted(false);
      const q = queue(check.isConnected);
      q.scheduleRequestTimeoutCheck();
      jest.advanceTimersByTime(REQUEST_TIMEOUT_CHECK_MS * 5);
      expect(check.looks).toBe(1);
    });
  });
});
