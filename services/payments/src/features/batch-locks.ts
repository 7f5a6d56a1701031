import type { Executor } from '@orderflow/messaging';
import type { LockRows } from '@orderflow/platform';
import type { Kysely } from 'kysely';
import type { PaymentsDatabase } from '../infra/database.js';

/**
 * The accounts a batch of events will move money on, locked before any of its
 * handlers runs and in customer order: the customers of new orders (authorizations)
 * and of orders being cancelled or failing shipment (refunds). Handlers lock their
 * account again as they go, which is then immediate; without this, two batches could
 * each hold one customer's account and wait for the other's.
 */
export const lockBatchAccounts: LockRows = async (trx: Executor, events) => {
  const db = trx as Kysely<PaymentsDatabase>;
  const customers = new Set<string>();
  const refunded: string[] = [];
  for (const { event } of events) {
    if (event.type === 'OrderPlaced') customers.add(event.data.customerId);
    if (event.type === 'OrderCancelled' || event.type === 'ShipmentFailed') {
      refunded.push(event.data.orderId);
    }
  }
  if (refunded.length > 0) {
    const payers = await db
      .selectFrom('payments_view')
      .select('customer_id')
      .where('order_id', 'in', refunded)
      .where('customer_id', 'is not', null)
      .execute();
    for (const p of payers) if (p.customer_id) customers.add(p.customer_id);
  }
  if (customers.size === 0) return;
  await db
    .selectFrom('accounts')
    .select('customer_id')
    .where('customer_id', 'in', [...customers].sort())
    .orderBy('customer_id')
    .forUpdate()
    .execute();
};
