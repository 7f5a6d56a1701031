import type { Executor, RecordedEvent } from '@orderflow/messaging';
import type { PrepareBatch } from '@orderflow/platform';
import type { Money, PaymentEvent } from '../domain/payment.js';
import type { PaymentsDatabase } from '../infra/database.js';

/**
 * The balances a transaction decides on, locked and read once per batch. The ledger
 * writes what the batch's payments did to the balances only when the batch flushes;
 * until then this keeps the balances as they stand after each decision, so the second
 * order of a customer in a batch is decided on what the first one left.
 */
export class BatchBalances {
  private readonly byTransaction = new WeakMap<
    Executor<PaymentsDatabase>,
    Map<string, Money | undefined>
  >();

  /**
   * Before any handler of a batch: locks the accounts it may move money on, in
   * customer order, so that two batches never wait for each other in a cycle: the
   * customers of new orders (authorizations) and of orders being cancelled or failing
   * shipment (refunds, whose customer payments_view knows).
   */
  readonly prepareBatch: PrepareBatch<PaymentsDatabase> = async (trx, events) => {
    const customers = new Set<string>();
    const refunded: string[] = [];
    for (const { event } of events) {
      if (event.type === 'OrderPlaced') customers.add(event.data.customerId);
      if (event.type === 'OrderCancelled' || event.type === 'ShipmentFailed') {
        refunded.push(event.data.orderId);
      }
    }
    if (refunded.length > 0) {
      const payers = await trx
        .selectFrom('payments_view')
        .select('customer_id')
        .where('order_id', 'in', refunded)
        .execute();
      for (const p of payers) if (p.customer_id) customers.add(p.customer_id);
    }
    await this.load(trx, [...customers]);
  };

  /** The customer's balance now, in this transaction; undefined when it has no account. */
  async balanceOf(trx: Executor<PaymentsDatabase>, customerId: string): Promise<Money | undefined> {
    const known = this.byTransaction.get(trx);
    if (known?.has(customerId)) return known.get(customerId);
    await this.load(trx, [customerId]);
    return this.byTransaction.get(trx)?.get(customerId);
  }

  /** Follows what new events did to the balances. */
  apply(trx: Executor<PaymentsDatabase>, events: readonly RecordedEvent<PaymentEvent>[]): void {
    const known = this.byTransaction.get(trx);
    for (const recorded of events) {
      const event: PaymentEvent = recorded;
      if (event.type !== 'PaymentAuthorized' && event.type !== 'PaymentRefunded') continue;
      const { customerId, amount } = event.data;
      const balance = known?.get(customerId);
      if (!balance) continue;
      const delta = event.type === 'PaymentAuthorized' ? -amount.amountMinor : amount.amountMinor;
      known?.set(customerId, { ...balance, amountMinor: balance.amountMinor + delta });
    }
  }

  /** Locks and reads accounts (in customer order); customers without one are remembered as such. */
  private async load(trx: Executor<PaymentsDatabase>, customers: string[]): Promise<void> {
    const known = this.byTransaction.get(trx) ?? new Map<string, Money | undefined>();
    this.byTransaction.set(trx, known);
    const wanted = customers.filter((c) => !known.has(c)).sort();
    if (wanted.length === 0) return;
    const rows = await trx
      .selectFrom('accounts')
      .select(['customer_id', 'balance_minor', 'currency'])
      .where('customer_id', 'in', wanted)
      .orderBy('customer_id')
      .forUpdate()
      .execute();
    for (const c of wanted) known.set(c, undefined);
    for (const r of rows) {
      known.set(r.customer_id, { amountMinor: Number(r.balance_minor), currency: r.currency });
    }
  }
}
