/**
 * The project's performance targets (docs: architecture.md §8 and the bench issue),
 * each judged against the figures of a run. Pure. A target whose figure is missing
 * is "n/a", unless the figure says why it cannot be met ("missed").
 */
import type { Figure } from './figures.js';

export type Status = 'met' | 'missed' | 'n/a';

export interface TargetRow {
  id: string;
  label: string;
  target: string;
  /** The figure's median, or its note. */
  measured: number | undefined;
  unit: string;
  status: Status;
  note?: string;
}

interface TargetDef {
  id: string;
  label: string;
  target: string;
  figure: string;
  /** Met when the median passes; `floor` marks a weaker bound worth noting. */
  met: (value: number) => boolean;
  floor?: { test: (value: number) => boolean; note: string };
}

const atLeast = (bound: number) => (v: number) => v >= bound;
const atMost = (bound: number) => (v: number) => v <= bound;

export const targets: readonly TargetDef[] = [
  {
    id: 'sustained',
    label: 'Sustained saga throughput',
    target: '≥ 300 orders/s (floor 150)',
    figure: 'throughput.sustained',
    met: atLeast(300),
    floor: { test: atLeast(150), note: 'floor of 150/s met' },
  },
  {
    id: 'db-share',
    label: 'Saga throughput as share of the DB ceiling',
    target: '≥ 45%',
    figure: 'db.share',
    met: atLeast(45),
  },
  {
    id: 'p50-100',
    label: 'POST→confirmed p50 at 100/s',
    target: '≤ 30 ms',
    figure: 'latency.100.p50',
    met: atMost(30),
  },
  {
    id: 'p99-100',
    label: 'POST→confirmed p99 at 100/s',
    target: '≤ 150 ms',
    figure: 'latency.100.p99',
    met: atMost(150),
  },
  {
    id: 'overload-confirmed',
    label: 'Burst: accepted orders not CONFIRMED',
    target: '0 (excess refused with 429/503)',
    figure: 'overload.notConfirmed',
    met: atMost(0),
  },
  {
    id: 'overload-timeout',
    label: 'Burst: orders cancelled by TIMEOUT',
    target: '0',
    figure: 'overload.timeout',
    met: atMost(0),
  },
  {
    id: 'tracing',
    label: 'Tracing cost (throughput lost with tracing on, from CPU per order)',
    target: '≤ 15%',
    figure: 'tracing.cost',
    met: atMost(15),
  },
  {
    id: 'relay-raw',
    label: 'Outbox relay vs raw kafkajs producer',
    target: '≥ 70%',
    figure: 'relay.vsRaw',
    met: atLeast(70),
  },
  {
    id: 'pickup',
    label: 'Relay pickup p99 at 1,000 events/s',
    target: '≤ 5 ms',
    figure: 'relay.pickupP99',
    met: atMost(5),
  },
  {
    id: 'email',
    label: 'E-mail rate vs saga drain rate (keeps up)',
    target: '≥ 90%',
    figure: 'burst.emailVsSaga',
    met: atLeast(90),
  },
  {
    id: 'projection',
    label: 'Projection rebuild',
    target: '≥ 50,000 events/s',
    figure: 'projection.rate',
    met: atLeast(50_000),
  },
  {
    id: 'restart-term',
    label: 'Restart to consuming after SIGTERM',
    target: '≤ 5 s',
    figure: 'restart.sigterm',
    met: atMost(5),
  },
  {
    id: 'restart-kill',
    label: 'Restart to consuming after SIGKILL',
    target: '≤ 5 s',
    figure: 'restart.sigkill',
    met: atMost(5),
  },
  {
    id: 'failover',
    label: 'Failover: survivor consumes a killed member’s partitions',
    target: '≤ 10 s',
    figure: 'restart.failover',
    met: atMost(10),
  },
  {
    id: 'idle',
    label: 'Idle CPU, busiest service',
    target: '≤ 1% of a core',
    figure: 'idle.max',
    met: atMost(1),
  },
];

export function judgeTargets(find: (id: string) => Figure | undefined): TargetRow[] {
  return targets.map((t) => {
    const figure = find(t.figure);
    const value = figure?.stat?.median;
    const base = {
      id: t.id,
      label: t.label,
      target: t.target,
      measured: value,
      unit: figure?.unit ?? '',
    };
    if (value === undefined) {
      if (figure?.unmet) return { ...base, status: 'missed' as const, note: figure.unmet };
      return { ...base, status: 'n/a' as const, note: figure?.note ?? 'not measured in this run' };
    }
    if (t.met(value)) return { ...base, status: 'met' as const };
    const floorNote = t.floor?.test(value) ? t.floor.note : undefined;
    return { ...base, status: 'missed' as const, ...(floorNote ? { note: floorNote } : {}) };
  });
}
