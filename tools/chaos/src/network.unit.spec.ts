import { bytesByProxy, toxicsOf, withServiceListeners } from './network.js';
import type { Fault } from './schedule.js';

describe('the network of a run', () => {
  const properties = [
    'process.roles=broker,controller',
    'listeners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093',
    'advertised.listeners=PLAINTEXT://127.0.0.1:9092',
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'num.partitions=3',
    '',
  ].join('\n');

  it("gives the broker a listener per service that advertises the service's proxy", () => {
    const written = withServiceListeners(properties, '127.0.0.1', [
      { service: 'orders', port: 7001, proxyPort: 8001 },
      { service: 'payments', port: 7002, proxyPort: 8002 },
    ]);
    const lines = written.split('\n');
    expect(lines).toContain(
      'listeners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093,ORDERS://127.0.0.1:7001,PAYMENTS://127.0.0.1:7002',
    );
    expect(lines).toContain(
      'advertised.listeners=PLAINTEXT://127.0.0.1:9092,ORDERS://127.0.0.1:8001,PAYMENTS://127.0.0.1:8002',
    );
    expect(lines).toContain(
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,ORDERS:PLAINTEXT,PAYMENTS:PLAINTEXT',
    );
    // Everything else as the stack wrote it: the broker still talks to itself directly.
    expect(lines).toContain('inter.broker.listener.name=PLAINTEXT');
    expect(lines).toContain('num.partitions=3');
    expect(lines).toHaveLength(properties.split('\n').length);
  });

  it('refuses a secure broker and properties without listeners', () => {
    const secure = properties.replace(
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT',
      'listener.security.protocol.map=SASL_SSL:SASL_SSL',
    );
    const one = [{ service: 'orders' as const, port: 1, proxyPort: 2 }];
    expect(() => withServiceListeners(secure, '127.0.0.1', one)).toThrow(/PLAINTEXT/);
    expect(() => withServiceListeners('num.partitions=3\n', '127.0.0.1', one)).toThrow(
      /no listeners/,
    );
  });

  it('slows what the server sends for latency, and limits both ways for bandwidth', () => {
    const base: Fault = { atMs: 0, holdMs: 5_000, kind: 'latency', service: 'orders' };
    expect(toxicsOf({ ...base, latencyMs: 200, jitterMs: 80 })).toEqual([
      {
        name: 'latency',
        type: 'latency',
        stream: 'downstream',
        attributes: { latency: 200, jitter: 80 },
      },
    ]);
    const bandwidth = toxicsOf({ ...base, kind: 'bandwidth', rateKBps: 32 });
    expect(bandwidth.map((t) => [t.type, t.stream, t.attributes])).toEqual([
      ['bandwidth', 'downstream', { rate: 32 }],
      ['bandwidth', 'upstream', { rate: 32 }],
    ]);
    expect(toxicsOf({ ...base, kind: 'cut' })).toEqual([]);
  });

  it("sums the bytes each proxy took in from Toxiproxy's metrics", () => {
    const sample = (metric: string, direction: string, proxy: string, value: string) =>
      `toxiproxy_proxy_${metric}_bytes_total{direction="${direction}",listener="127.0.0.1:1",proxy="${proxy}",upstream="127.0.0.1:2"} ${value}`;
    const metrics = [
      '# HELP toxiproxy_proxy_received_bytes_total',
      '# TYPE toxiproxy_proxy_received_bytes_total counter',
      sample('received', 'downstream', 'orders-kafka', '1000'),
      sample('received', 'upstream', 'orders-kafka', '24'),
      sample('sent', 'upstream', 'orders-kafka', '99'),
      sample('received', 'downstream', 'orders-postgres', '5e+06'),
    ].join('\n');
    expect(bytesByProxy(metrics)).toEqual({ 'orders-kafka': 1024, 'orders-postgres': 5_000_000 });
  });
});
