/**
 * The network between each service and Kafka or Postgres, through Toxiproxy: one proxy
 * per link, so that latency, a bandwidth limit or a cut hits one service's traffic to
 * one server and nobody else's (the runner's own reads go direct).
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { DaemonSpec } from '@orderflow/stack';
import { freePort, readPid, startDaemon, stopDaemon, waitUntil } from '@orderflow/stack';
import { log } from './log.js';
import type { Fault, NetworkLink, ServiceName } from './schedule.js';
import { serviceNames } from './schedule.js';

/** The ports a service uses instead of the servers' own: its proxies'. */
export type LinkPorts = Record<NetworkLink, number>;

/**
 * Kafka routed per service: a broker listener of its own (named after the service, on
 * `port`) that advertises `proxyPort`, where the service's proxy forwards to `port`.
 * A client bootstrapped through the proxy is told to come back through it.
 */
export interface ServiceListener {
  service: ServiceName;
  port: number;
  proxyPort: number;
}

/** A listener's name in server.properties: the service's, in capitals. */
export const listenerName = (service: ServiceName) => service.toUpperCase();

/**
 * Adds one PLAINTEXT listener per service to a broker's server.properties as the stack
 * writes it (its own PLAINTEXT client listener stays, for everyone else). Pure.
 */
export function withServiceListeners(
  properties: string,
  host: string,
  listeners: readonly ServiceListener[],
): string {
  const append = (key: string, extra: string[]) => {
    const pattern = new RegExp(`^${key.replace(/\./g, '\\.')}=(.*)$`, 'm');
    const match = pattern.exec(properties);
    if (!match) throw new Error(`server.properties has no ${key}`);
    properties = properties.replace(pattern, `${key}=${[match[1], ...extra].join(',')}`);
  };
  if (/^listener\.security\.protocol\.map=.*SASL_SSL/m.test(properties))
    throw new Error('per-service listeners are for a PLAINTEXT broker');
  append(
    'listeners',
    listeners.map((l) => `${listenerName(l.service)}://${host}:${l.port}`),
  );
  append(
    'advertised.listeners',
    listeners.map((l) => `${listenerName(l.service)}://${host}:${l.proxyPort}`),
  );
  append(
    'listener.security.protocol.map',
    listeners.map((l) => `${listenerName(l.service)}:PLAINTEXT`),
  );
  return properties;
}

/** A toxic as Toxiproxy's API takes it. */
export interface Toxic {
  name: string;
  type: 'latency' | 'bandwidth';
  stream: 'upstream' | 'downstream';
  attributes: Record<string, number>;
}

/**
 * What a latency or bandwidth fault adds to its link's proxy. Latency delays what the
 * server sends (every answer and fetched batch); the bandwidth limit holds both ways.
 */
export function toxicsOf(fault: Fault): Toxic[] {
  if (fault.kind === 'latency')
    return [
      {
        name: 'latency',
        type: 'latency',
        stream: 'downstream',
        attributes: { latency: fault.latencyMs!, jitter: fault.jitterMs! },
      },
    ];
  if (fault.kind === 'bandwidth')
    return (['downstream', 'upstream'] as const).map((stream) => ({
      name: `bandwidth-${stream}`,
      type: 'bandwidth',
      stream,
      attributes: { rate: fault.rateKBps! },
    }));
  return [];
}

/** toxiproxy-server of a run: its daemon and a client of its HTTP API (fetch only). */
export class Toxiproxy {
  private constructor(
    private readonly daemon: DaemonSpec,
    private readonly api: string,
  ) {}

  /** Builds it if the cache lacks it (tools/chaos/toxiproxy/build.sh), then starts it. */
  static async start(dir: string, host: string): Promise<Toxiproxy> {
    const binary = await buildToxiproxy();
    const port = await freePort();
    mkdirSync(dir, { recursive: true });
    const daemon: DaemonSpec = {
      name: 'toxiproxy',
      command: binary,
      // Bytes per proxy, at /metrics: the proof that each service's traffic went through.
      args: ['-host', host, '-port', String(port), '-proxy-metrics'],
      pidFile: path.join(dir, 'toxiproxy.pid'),
      logFile: path.join(dir, 'toxiproxy.log'),
      marker: 'toxiproxy-server',
    };
    const proxy = new Toxiproxy(daemon, `http://${host}:${port}`);
    startDaemon(daemon);
    await waitUntil('toxiproxy', () => proxy.answers(), {
      timeoutMs: 30_000,
      isAlive: () => readPid(daemon) !== undefined,
      logFile: daemon.logFile,
    });
    log('network', `toxiproxy ready at ${proxy.api}`);
    return proxy;
  }

  private async answers(): Promise<boolean> {
    const res = await fetch(`${this.api}/version`, { signal: AbortSignal.timeout(2_000) });
    await res.body?.cancel();
    return res.ok;
  }

  private async call(method: 'POST' | 'DELETE', route: string, body?: unknown): Promise<void> {
    const res = await fetch(`${this.api}${route}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`toxiproxy ${method} ${route}: ${res.status} ${text}`);
  }

  createProxy(name: string, listen: string, upstream: string): Promise<void> {
    return this.call('POST', '/proxies', { name, listen, upstream, enabled: true });
  }

  /** Disabled: its connections are closed and new ones refused until it is enabled. */
  setEnabled(name: string, enabled: boolean): Promise<void> {
    return this.call('POST', `/proxies/${name}`, { enabled });
  }

  addToxic(proxy: string, toxic: Toxic): Promise<void> {
    return this.call('POST', `/proxies/${proxy}/toxics`, { ...toxic, toxicity: 1 });
  }

  removeToxic(proxy: string, name: string): Promise<void> {
    return this.call('DELETE', `/proxies/${proxy}/toxics/${name}`);
  }

  /**
   * Bytes each proxy has taken in, both ways, by proxy name. Toxiproxy counts a
   * connection's bytes when it ends: read this once the clients have disconnected.
   */
  async bytes(): Promise<Record<string, number>> {
    const res = await fetch(`${this.api}/metrics`, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`toxiproxy /metrics: ${res.status}`);
    return bytesByProxy(await res.text());
  }

  async stop(): Promise<void> {
    await stopDaemon(this.daemon);
  }
}

/**
 * Sums Toxiproxy's `toxiproxy_proxy_received_bytes_total` samples per proxy (counted
 * however a connection ended; the sent bytes only when it ended without an error). Pure.
 */
export function bytesByProxy(metrics: string): Record<string, number> {
  const bytes: Record<string, number> = {};
  for (const line of metrics.split('\n')) {
    const sample = /^toxiproxy_proxy_received_bytes_total\{(.*)\}\s+(\S+)$/.exec(line);
    if (!sample) continue;
    const proxy = /(?:^|,)proxy="([^"]*)"/.exec(sample[1]!)?.[1];
    if (proxy !== undefined) bytes[proxy] = (bytes[proxy] ?? 0) + Number(sample[2]);
  }
  return bytes;
}

/**
 * The proxies of a run: `<service>-kafka` to the service's own broker listener and
 * `<service>-postgres` to Postgres, each on a free port of its own.
 */
export class Network {
  private constructor(
    readonly toxiproxy: Toxiproxy,
    /** The ports each service connects to. */
    readonly ports: Record<ServiceName, LinkPorts>,
  ) {}

  static async start(options: {
    dir: string;
    host: string;
    postgresPort: number;
    listeners: readonly ServiceListener[];
  }): Promise<Network> {
    const { host } = options;
    const toxiproxy = await Toxiproxy.start(options.dir, host);
    const ports = {} as Record<ServiceName, LinkPorts>;
    try {
      for (const service of serviceNames) {
        const listener = options.listeners.find((l) => l.service === service)!;
        const postgres = await freePort();
        await toxiproxy.createProxy(
          proxyName(service, 'kafka'),
          `${host}:${listener.proxyPort}`,
          `${host}:${listener.port}`,
        );
        await toxiproxy.createProxy(
          proxyName(service, 'postgres'),
          `${host}:${postgres}`,
          `${host}:${options.postgresPort}`,
        );
        ports[service] = { kafka: listener.proxyPort, postgres };
      }
    } catch (error) {
      await toxiproxy.stop();
      throw error;
    }
    log(
      'network',
      `proxies: ${serviceNames.map((s) => `${s} kafka :${ports[s].kafka} postgres :${ports[s].postgres}`).join(', ')}`,
    );
    return new Network(toxiproxy, ports);
  }

  /** Free ports for the per-service broker listeners and the proxies in front of them. */
  static async listeners(): Promise<ServiceListener[]> {
    const listeners: ServiceListener[] = [];
    for (const service of serviceNames)
      listeners.push({ service, port: await freePort(), proxyPort: await freePort() });
    return listeners;
  }

  stop(): Promise<void> {
    return this.toxiproxy.stop();
  }
}

export const proxyName = (service: ServiceName, link: NetworkLink) => `${service}-${link}`;

/**
 * Runs the build script (a no-op once cached); its progress shows on stderr. Like the
 * rest of the runner, from the repository root (npm run and the Nx targets start there).
 */
function buildToxiproxy(): Promise<string> {
  const script = path.resolve('tools', 'chaos', 'toxiproxy', 'build.sh');
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(out.trim().split('\n').pop()!)
        : reject(new Error(`tools/chaos/toxiproxy/build.sh failed (exit ${code})`)),
    );
  });
}
