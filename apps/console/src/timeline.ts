/**
 * An order's saga history as a swimlane timeline: one lane per service, every event
 * in the order it happened with its time since placement, compensations named.
 * Pure, shared by the server's tests and the page.
 */
export const lanes = ['orders', 'payments', 'shipping', 'notifications'] as const;
export type Lane = (typeof lanes)[number];

/** Events that undo an earlier step of the saga, and what they undo. */
const compensations: Record<string, string> = {
  PaymentRefunded: 'refund',
  ShipmentCancelled: 'stock release',
  OrderCancelled: 'cancellation',
};

export interface TimelineStep {
  type: string;
  source: string;
  occurredAt: string;
  /** The event's data, for the orders service's own events; null for the others'. */
  data?: Record<string, unknown> | null;
}

export interface TimelineEntry {
  index: number;
  lane: Lane | undefined;
  service: string;
  type: string;
  occurredAt: string;
  /** Milliseconds since the order was placed. */
  sinceMs: number;
  compensation: string | undefined;
  step: TimelineStep;
}

export function timeline(placedAt: string, history: readonly TimelineStep[]): TimelineEntry[] {
  const t0 = Date.parse(placedAt);
  return history.map((step, index) => {
    const service = step.source.split('/').filter(Boolean).at(-1) ?? step.source;
    return {
      index,
      lane: (lanes as readonly string[]).includes(service) ? (service as Lane) : undefined,
      service,
      type: step.type,
      occurredAt: step.occurredAt,
      sinceMs: Date.parse(step.occurredAt) - t0,
      compensation: compensations[step.type],
      step,
    };
  });
}

/** `+1.234 s` */
export function formatSince(ms: number): string {
  return `${ms < 0 ? '−' : '+'}${(Math.abs(ms) / 1_000).toFixed(3)} s`;
}
