import type { PostResult } from './http.js';
import type { Outcome } from './outcomes.js';
import { tally } from './tally.js';

const answer = (status: number, orderId?: string, retryAfter?: string): PostResult => ({
  status,
  orderId,
  retryAfter,
  error: status === 0 ? 'ECONNRESET' : undefined,
});

describe('tally', () => {
  const sent = [
    answer(201, 'a'),
    answer(201, 'b'),
    answer(201, 'c'),
    answer(429, undefined, '2'),
    answer(503, undefined, '2'),
    answer(500),
    answer(0),
  ];

  it('separates accepted, refused (with Retry-After) and failed answers', () => {
    const t = tally(sent);
    expect(t).toMatchObject({
      sent: 7,
      accepted: 3,
      refused: 2,
      retryAfter: ['2'],
      errors: 2,
      acceptedIds: ['a', 'b', 'c'],
    });
    expect(t.errorSamples).toEqual(['HTTP 500', 'ECONNRESET']);
  });

  it('counts outcomes by status and cancellation reason; the rest is unfinished', () => {
    const outcomes = new Map<string, Outcome>([
      ['a', { status: 'CONFIRMED', at: 1, reason: undefined }],
      ['b', { status: 'CANCELLED', at: 2, reason: 'TIMEOUT' }],
    ]);
    expect(tally(sent, outcomes)).toMatchObject({
      confirmed: 1,
      cancelled: 1,
      cancelledByReason: { TIMEOUT: 1 },
      unfinished: 1,
    });
  });
});
