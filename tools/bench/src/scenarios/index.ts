import { burstDrain } from './burst.js';
import { cpu } from './cpu.js';
import { dbCeiling } from './db-ceiling.js';
import { latency } from './latency.js';
import { overload } from './overload.js';
import { projection } from './projection.js';
import { relay } from './relay.js';
import { restart } from './restart.js';
import type { Scenario } from './scenario.js';
import { throughput } from './throughput.js';
import { tracing } from './tracing.js';

/** Every scenario, in the order a full run executes them (see options.ts). */
export const scenarios: readonly Scenario[] = [
  throughput,
  latency,
  burstDrain,
  cpu,
  tracing,
  restart,
  dbCeiling,
  overload,
  relay,
  projection,
];
