import type { ScenarioId } from '../options.js';
import type { BenchContext } from './context.js';

/** One measurement of the bench: it records figures (and raw details) on the context. */
export interface Scenario {
  id: ScenarioId;
  title: string;
  /** Runs on the shared saga (the four services, tracing on), which it starts if needed. */
  usesSaga: boolean;
  run(ctx: BenchContext): Promise<void>;
}
