/**
 * The fault schedule: which fault, where, when and for how long, drawn from the seed
 * alone, so a run that finds a bug can be replayed. Pure. Faults come one at a time:
 * each is healed before the next begins, so every violation points at few suspects.
 */
import { draw, seededRandom } from './random.js';

export const serviceNames = ['orders', 'payments', 'shipping', 'notifications'] as const;
export type ServiceName = (typeof serviceNames)[number];

export const faultKinds = [
  'kill',
  'two-instances',
  'pause',
  'crash-point',
  'kafka-restart',
  'postgres-restart',
  'registry-restart',
  'latency',
  'bandwidth',
  'cut',
] as const;
export type FaultKind = (typeof faultKinds)[number];

/** Faults of one service's link to Kafka or Postgres, through its proxy. */
export const networkFaults: readonly FaultKind[] = ['latency', 'bandwidth', 'cut'];
export const networkLinks = ['kafka', 'postgres'] as const;
export type NetworkLink = (typeof networkLinks)[number];

/**
 * Faults that need a private stack: restarts of its servers, and the network faults
 * (the broker gets a listener per service, behind that service's proxy).
 */
export const infrastructureFaults: readonly FaultKind[] = [
  'kafka-restart',
  'postgres-restart',
  'registry-restart',
  ...networkFaults,
];

/**
 * Where a process armed with ORDERFLOW_CRASH_AT=<point> SIGKILLs itself (see
 * libs/messaging/src/crash-point.ts): the moments between two steps that must not be
 * separable without a lost or duplicated effect.
 */
export const crashPoints = {
  /** Outbox rows committed and read, nothing sent yet. */
  'relay.before-send': serviceNames,
  /** Sent and acknowledged by Kafka, not yet deleted: the batch is sent again. */
  'relay.after-send': serviceNames,
  /** A consumer's batch handled (inbox rows written) in a transaction not yet committed. */
  'consumer.before-commit': serviceNames,
  /** A consumer's batch committed in the database, its offset not yet committed to Kafka. */
  'consumer.after-commit': serviceNames,
  /** The SMTP server accepted the e-mails; the rows are not yet marked SENT. */
  'notifications.after-smtp': ['notifications'],
} as const satisfies Record<string, readonly ServiceName[]>;
export type CrashPoint = keyof typeof crashPoints;

export interface Fault {
  /** Milliseconds after the load starts. */
  atMs: number;
  kind: FaultKind;
  /** The service it hits (service faults only). */
  service?: ServiceName;
  /** How long the fault lasts before it is healed. */
  holdMs: number;
  /** For crash-point: where the armed process kills itself. */
  point?: CrashPoint;
  /** For two-instances: which of the two is SIGKILLed at the end (0 is the older one). */
  victim?: 0 | 1;
  /** For network faults: the service's link it hits. */
  link?: NetworkLink;
  /** For latency: added to every chunk the server sends, plus or minus `jitterMs`. */
  latencyMs?: number;
  jitterMs?: number;
  /** For bandwidth: the limit each way, in KB/s. */
  rateKBps?: number;
}

export interface ScheduleOptions {
  seed: number;
  durationMs: number;
  kinds: readonly FaultKind[];
  /** The consumers' session timeout: a pause must outlast it to cost the member its partitions. */
  sessionTimeoutMs: number;
}

export function schedule({ seed, durationMs, kinds, sessionTimeoutMs }: ScheduleOptions): Fault[] {
  if (kinds.length === 0) return [];
  // A generator of its own, so the order mix (drawn from the same seed) is independent.
  const { between, pick } = draw(seededRandom(seed ^ 0x5eed_fa17));
  const faults: Fault[] = [];
  let at = between(3_000, 6_000);
  // Kinds are dealt from a shuffled deck: every kind once before any kind twice, so a
  // short run still sees as many kinds as it has room for.
  const deck: FaultKind[] = [];
  for (;;) {
    if (deck.length === 0) {
      deck.push(...kinds);
      for (let i = deck.length - 1; i > 0; i--) {
        const j = between(0, i);
        [deck[i], deck[j]] = [deck[j]!, deck[i]!];
      }
    }
    const kind = deck.pop()!;
    const service = pick(serviceNames);
    const fault: Fault = { atMs: at, kind, holdMs: 0 };
    switch (kind) {
      case 'kill':
        Object.assign(fault, { service, holdMs: between(0, 3_000) });
        break;
      case 'two-instances':
        Object.assign(fault, {
          service,
          holdMs: between(8_000, 20_000),
          victim: pick([0, 1] as const),
        });
        break;
      case 'pause':
        Object.assign(fault, {
          service,
          holdMs: sessionTimeoutMs + between(2_000, 6_000),
        });
        break;
      case 'crash-point': {
        const point = pick(Object.keys(crashPoints) as CrashPoint[]);
        Object.assign(fault, { service: pick(crashPoints[point]), point, holdMs: 15_000 });
        break;
      }
      case 'kafka-restart':
      case 'postgres-restart':
      case 'registry-restart':
        fault.holdMs = between(1_000, 8_000);
        break;
      case 'latency':
        Object.assign(fault, {
          service,
          link: pick(networkLinks),
          holdMs: between(5_000, 12_000),
          latencyMs: between(150, 300),
          jitterMs: between(50, 150),
        });
        break;
      case 'bandwidth':
        Object.assign(fault, {
          service,
          link: pick(networkLinks),
          holdMs: between(5_000, 12_000),
          rateKBps: between(16, 64),
        });
        break;
      case 'cut':
        Object.assign(fault, { service, link: pick(networkLinks), holdMs: between(2_000, 6_000) });
        break;
    }
    // Every fault is healed before the load ends.
    if (at + fault.holdMs > durationMs) break;
    faults.push(fault);
    at += fault.holdMs + between(3_000, 8_000);
  }
  return faults;
}
