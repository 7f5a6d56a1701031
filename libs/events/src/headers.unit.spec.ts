import { buildHeaders, HeaderNames, InvalidHeadersError, readHeaders } from './index.js';

const input = {
  id: 'evt-1',
  type: 'OrderPlaced' as const,
  source: '/orderflow/orders',
  time: new Date('2025-03-14T15:09:26.535Z'),
  subject: 'order-1',
  correlationId: 'corr-1',
  causationId: 'req-1',
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
};

describe('event headers', () => {
  it('builds the CloudEvents binary-binding headers as strings', () => {
    expect(buildHeaders(input)).toEqual({
      ce_id: 'evt-1',
      ce_type: 'orderflow.orders.OrderPlaced',
      ce_source: '/orderflow/orders',
      ce_specversion: '1.0',
      ce_time: '2025-03-14T15:09:26.535Z',
      ce_subject: 'order-1',
      'correlation-id': 'corr-1',
      'causation-id': 'req-1',
      traceparent: input.traceparent,
    });
  });

  it('reads back what it built, from Buffers as KafkaJS delivers them', () => {
    const asBuffers = Object.fromEntries(
      Object.entries(buildHeaders(input)).map(([k, v]) => [k, Buffer.from(String(v))]),
    );
    expect(readHeaders(asBuffers)).toEqual({
      id: 'evt-1',
      type: 'orderflow.orders.OrderPlaced',
      source: '/orderflow/orders',
      specVersion: '1.0',
      time: input.time,
      subject: 'order-1',
      correlationId: 'corr-1',
      causationId: 'req-1',
      traceparent: input.traceparent,
      tracestate: undefined,
    });
  });

  it('takes the last value of a repeated header', () => {
    const headers = { ...buildHeaders(input), [HeaderNames.causationId]: ['req-1', 'evt-0'] };
    expect(readHeaders(headers).causationId).toBe('evt-0');
  });

  it('reports every missing or malformed header as one non-retriable error', () => {
    const headers = buildHeaders(input);
    delete headers[HeaderNames.id];
    delete headers[HeaderNames.correlationId];
    headers[HeaderNames.time] = 'yesterday';
    headers[HeaderNames.specVersion] = '0.3';
    const error = captureError(() => readHeaders(headers));
    expect(error).toBeInstanceOf(InvalidHeadersError);
    expect(error).toMatchObject({
      retriable: false,
      problems: [
        'missing ce_id',
        'missing correlation-id',
        'unsupported ce_specversion 0.3',
        'ce_time is not a timestamp: yesterday',
      ],
    });
    expect(() => readHeaders(undefined)).toThrow(InvalidHeadersError);
  });
});

function captureError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
