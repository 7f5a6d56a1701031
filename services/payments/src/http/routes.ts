import { HttpProblem, validate } from '@orderflow/platform';
import { Router } from 'express';
import { z } from 'zod';
import type { PaymentsDb } from '../infra/database.js';

const customerId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const orderId = z.uuid();

/** Read endpoints: accounts and payments. Payments has no write API: it only reacts. */
export function paymentsRoutes(db: PaymentsDb): Router {
  const routes = Router();

  routes.get('/accounts', async (_req, res) => {
    const rows = await db
      .selectFrom('accounts')
      .selectAll()
      .orderBy('customer_id')
      .limit(1_000)
      .execute();
    res.json({ items: rows.map(toAccount) });
  });

  routes.get('/accounts/:customerId', async (req, res) => {
    const id = validate(customerId, req.params['customerId'], 'customer id');
    const row = await db
      .selectFrom('accounts')
      .selectAll()
      .where('customer_id', '=', id)
      .executeTakeFirst();
    if (!row) throw HttpProblem.notFound(`customer ${id} has no account`);
    res.json(toAccount(row));
  });

  routes.get('/payments/:orderId', async (req, res) => {
    const id = validate(orderId, req.params['orderId'], 'order id');
    const row = await db
      .selectFrom('payments_view')
      .selectAll()
      .where('order_id', '=', id)
      .executeTakeFirst();
    if (!row) throw HttpProblem.notFound(`no payment for order ${id}`);
    res.json({
      orderId: row.order_id,
      paymentId: row.payment_id,
      customerId: row.customer_id,
      amount:
        row.amount_minor === null
          ? null
          : { amountMinor: Number(row.amount_minor), currency: row.currency },
      status: row.status,
      reason: row.reason,
      updatedAt: row.updated_at.toISOString(),
    });
  });

  return routes;
}

function toAccount(row: {
  customer_id: string;
  currency: string;
  balance_minor: string;
  opening_balance_minor: string;
}) {
  return {
    customerId: row.customer_id,
    balance: { amountMinor: Number(row.balance_minor), currency: row.currency },
    openingBalance: { amountMinor: Number(row.opening_balance_minor), currency: row.currency },
  };
}
