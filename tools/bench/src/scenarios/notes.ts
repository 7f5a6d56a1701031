import type { MachineInfo } from '../measure/machine.js';
import type { BenchContext } from './context.js';

/** Caveats every report carries, beside the ones scenarios add. */
export function standingNotes(ctx: BenchContext, machine: MachineInfo): string[] {
  return [
    `Everything runs on this ${machine.cores}-core machine: services, Kafka, registry, Postgres, Jaeger, the mail sink and the load generator; ` +
      `other work on it (load average ${machine.loadAverage.join(' / ')} at start) skews every figure.`,
    "Latency is measured open loop from each request's scheduled send time to the OrderConfirmed event's recorded_at in the orders database (same machine clock).",
    `Profile: ${ctx.options.quick ? 'quick (1 repetition, short windows, small sizes)' : 'full'}; order stream seed ${ctx.options.seed}.`,
  ];
}
