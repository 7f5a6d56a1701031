import type { AfterCommit, HandleCommandResult } from '@orderflow/messaging';
import { MetricNames } from '@orderflow/telemetry';
import type { Registry } from 'prom-client';
import { Counter, Histogram } from 'prom-client';
import type { OrderEvent, OrderState } from '../domain/order.js';

export type ObserveSaga = (result: HandleCommandResult<OrderEvent, OrderState>) => AfterCommit;

/**
 * The saga as orders sees it: how orders end (outcome and cancellation reason) and
 * how long they take from placed to terminal. Recorded after the command's
 * transaction commits, so a rolled-back decision is never counted.
 */
export function sagaMetrics(registry: Registry): ObserveSaga {
  const outcomes = new Counter({
    name: MetricNames.sagaOutcomes,
    help: 'Orders that reached a terminal state, by outcome and cancellation reason',
    labelNames: ['outcome', 'reason'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: MetricNames.sagaDuration,
    help: 'From OrderPlaced to OrderConfirmed or OrderCancelled',
    labelNames: ['outcome'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });
  return ({ events, state }) =>
    () => {
      for (const recorded of events) {
        const terminal =
          recorded.type === 'OrderConfirmed'
            ? { outcome: 'CONFIRMED', reason: 'none' }
            : recorded.type === 'OrderCancelled'
              ? { outcome: 'CANCELLED', reason: recorded.data.reason }
              : undefined;
        if (!terminal) continue;
        outcomes.inc(terminal);
        if (state.placedAt) {
          const seconds =
            (recorded.recordedAt.getTime() - new Date(state.placedAt).getTime()) / 1000;
          duration.observe({ outcome: terminal.outcome }, Math.max(0, seconds));
        }
      }
    };
}
