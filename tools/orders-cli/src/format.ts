import type { Money, Order, OrderWithHistory, SagaStep } from './orders-api.js';

/** Human output of the orders CLI: pure functions from API answers to lines. */

/** Minor units as a decimal amount (every currency the demo uses has two decimals). */
export function formatMoney({ amountMinor, currency }: Money): string {
  const sign = amountMinor < 0 ? '-' : '';
  const abs = Math.abs(amountMinor);
  const major = Math.floor(abs / 100).toLocaleString('en-US');
  return `${sign}${major}.${String(abs % 100).padStart(2, '0')} ${currency}`;
}

/** `/orderflow/payments` → `payments`. */
export function serviceOf(source: string): string {
  return source.split('/').filter(Boolean).at(-1) ?? source;
}

export function formatStatus(order: Pick<Order, 'status' | 'cancellation'>): string {
  if (!order.cancellation) return order.status;
  const { reason, detail } = order.cancellation;
  return `${order.status} (${reason}${detail ? `: ${detail}` : ''})`;
}

/** Seconds since `from`, e.g. `+1.250s`. */
export function since(from: string, at: string): string {
  const ms = Date.parse(at) - Date.parse(from);
  return `${ms < 0 ? '-' : '+'}${(Math.abs(ms) / 1_000).toFixed(3)}s`;
}

export function formatHistoryStep(placedAt: string, step: SagaStep): string {
  return `  ${since(placedAt, step.occurredAt).padStart(9)}  ${serviceOf(step.source).padEnd(14)} ${step.type}`;
}

export function formatOrder(order: OrderWithHistory): string[] {
  const items = order.items.map((i) => `${i.quantity} × ${i.sku} @ ${formatMoney(i.unitPrice)}`);
  return [
    `order    ${order.orderId}  ${formatStatus(order)}`,
    `customer ${order.customerId}   total ${formatMoney(order.total)}   placed ${order.placedAt}`,
    `items    ${items.join(', ')}`,
    `payment  ${order.paymentId ?? '-'}   shipment ${order.shipmentId ?? '-'}`,
    `history  (${order.history.length} events, time since placement)`,
    ...order.history.map((s) => formatHistoryStep(order.placedAt, s)),
  ];
}

export function formatOrderRow(order: Order): string {
  return [
    order.orderId,
    formatStatus(order).padEnd(28),
    order.customerId.padEnd(10),
    formatMoney(order.total).padStart(14),
    order.placedAt,
  ].join('  ');
}

export const orderRowHeader = [
  'ORDER'.padEnd(36),
  'STATUS'.padEnd(28),
  'CUSTOMER'.padEnd(10),
  'TOTAL'.padStart(14),
  'PLACED',
].join('  ');

/** What changed between two reads of an order: its new saga steps and a new status. */
export function orderChanges(
  before: OrderWithHistory | undefined,
  after: OrderWithHistory,
): { steps: SagaStep[]; status: string | undefined } {
  // History is sorted by when each event happened, so a late arrival can land anywhere.
  const key = (s: SagaStep) => `${s.occurredAt} ${s.source} ${s.type}`;
  const seen = new Set(before?.history.map(key));
  const status = formatStatus(after);
  return {
    steps: after.history.filter((s) => !seen.has(key(s))),
    status: before && formatStatus(before) === status ? undefined : status,
  };
}
