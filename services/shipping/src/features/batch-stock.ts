import type { Executor, RecordedEvent } from '@orderflow/messaging';
import type { PrepareBatch } from '@orderflow/platform';
import type { Line, ShipmentEvent } from '../domain/shipment.js';
import type { ShippingDatabase } from '../infra/database.js';

/**
 * The stock a transaction decides on, locked and read once per batch. Reservations are
 * written only when the batch flushes; until then this keeps the units available as
 * they stand after each decision, so two orders in one batch competing for the last
 * units are decided one after the other.
 */
export class BatchStock {
  private readonly byTransaction = new WeakMap<Executor<ShippingDatabase>, Map<string, number>>();

  /**
   * Before any handler of a batch: locks the stock rows it may reserve or release, in
   * SKU order, so that two batches never wait for each other in a cycle: the lines of
   * new orders, and the lines shipping already knows of orders whose payment or
   * cancellation arrives.
   */
  readonly prepareBatch: PrepareBatch<ShippingDatabase> = async (trx, events) => {
    const skus = new Set<string>();
    const known: string[] = [];
    for (const { event } of events) {
      if (event.type === 'OrderPlaced') for (const item of event.data.items) skus.add(item.sku);
      if (event.type === 'PaymentAuthorized' || event.type === 'OrderCancelled') {
        known.push(event.data.orderId);
      }
    }
    if (known.length > 0) {
      const rows = await trx
        .selectFrom('shipments_view')
        .select('lines')
        .where('order_id', 'in', known)
        .execute();
      for (const { lines } of rows) for (const line of lines ?? []) skus.add(line.sku);
    }
    await this.load(trx, [...skus]);
  };

  /** Units available now, in this transaction, per SKU of the lines (0 for an unknown SKU). */
  async available(
    trx: Executor<ShippingDatabase>,
    lines: readonly Line[],
  ): Promise<Record<string, number>> {
    await this.load(
      trx,
      lines.map((l) => l.sku),
    );
    const known = this.byTransaction.get(trx);
    return Object.fromEntries(lines.map((l) => [l.sku, known?.get(l.sku) ?? 0]));
  }

  /** Follows what new events did to the stock. */
  apply(trx: Executor<ShippingDatabase>, events: readonly RecordedEvent<ShipmentEvent>[]): void {
    const known = this.byTransaction.get(trx);
    for (const recorded of events) {
      const event: ShipmentEvent = recorded;
      if (event.type !== 'ShipmentScheduled' && event.type !== 'ShipmentCancelled') continue;
      const sign = event.type === 'ShipmentScheduled' ? -1 : 1;
      for (const { sku, quantity } of event.data.lines) {
        known?.set(sku, (known.get(sku) ?? 0) + sign * quantity);
      }
    }
  }

  /** Locks and reads stock rows (in SKU order); a SKU without a row has none. */
  private async load(trx: Executor<ShippingDatabase>, skus: string[]): Promise<void> {
    const known = this.byTransaction.get(trx) ?? new Map<string, number>();
    this.byTransaction.set(trx, known);
    const wanted = [...new Set(skus)].filter((s) => !known.has(s)).sort();
    if (wanted.length === 0) return;
    const rows = await trx
      .selectFrom('stock')
      .select(['sku', 'available'])
      .where('sku', 'in', wanted)
      .orderBy('sku')
      .forUpdate()
      .execute();
    for (const sku of wanted) known.set(sku, 0);
    for (const r of rows) known.set(r.sku, r.available);
  }
}
