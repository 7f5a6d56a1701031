import {
  customerFilter,
  HttpApi,
  HttpProblem,
  maySee,
  principalOf,
  problem,
  Scopes,
} from '@orderflow/platform';
import { z } from 'zod';
import { findAccount, findPayment, listAccounts } from '../features/read-payments.js';
import type { PaymentsDb } from '../infra/database.js';

const currency = z.string().regex(/^[A-Z]{3}$/);
const amount = z
  .strictObject({ amountMinor: z.number().int(), currency })
  .meta({ id: 'Amount', description: 'Money in minor units (cents)' });

const account = z
  .strictObject({
    customerId: z.string(),
    balance: amount.describe('What is left after authorized, unrefunded payments'),
    openingBalance: amount,
  })
  .meta({ id: 'Account' });
type Account = z.input<typeof account>;

const payment = z
  .strictObject({
    orderId: z.uuid(),
    paymentId: z.string().nullable(),
    customerId: z.string().nullable(),
    amount: amount.nullable(),
    status: z.enum(['AUTHORIZED', 'HELD', 'DECLINED', 'REFUNDED', 'VOIDED']),
    reason: z.string().nullable(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Payment' });
type Payment = z.input<typeof payment>;

const customerParams = z.object({
  customerId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and -, at most 64')
    .describe('The customer id'),
});
const orderParams = z.object({ orderId: z.guid().describe('The order id (a UUID)') });

/**
 * Read endpoints: accounts and payments (routing and mapping; the reads are in
 * features/). Payments has no write API: it only reacts.
 */
export function paymentsRoutes(db: PaymentsDb, version = '0.1.0'): HttpApi {
  const api = new HttpApi({
    title: 'orderflow payments API',
    version,
    description: 'Customer accounts and the payment of each order, as the saga left them.',
  });

  api.get(
    '/accounts',
    {
      operationId: 'listAccounts',
      summary: 'Customer accounts by customer id (the first 1,000)',
      description: 'A customer token sees its own account only.',
      scopes: [Scopes.paymentsRead],
      responses: {
        200: { description: 'The accounts', body: z.strictObject({ items: z.array(account) }) },
      },
    },
    async (_input, res) => {
      const items = await listAccounts(db, customerFilter(principalOf(res)));
      res.json({ items: items satisfies Account[] });
    },
  );

  api.get(
    '/accounts/{customerId}',
    {
      operationId: 'getAccount',
      summary: 'A customer’s account',
      description: 'Another customer’s account is, for a customer token, no account (404).',
      scopes: [Scopes.paymentsRead],
      params: customerParams,
      responses: {
        200: { description: 'The account', body: account },
        404: problem('The customer has no account'),
      },
    },
    async ({ params: { customerId } }, res) => {
      const found = await findAccount(db, customerId);
      if (!found || !maySee(principalOf(res), customerId))
        throw HttpProblem.notFound(`customer ${customerId} has no account`);
      res.json(found satisfies Account);
    },
  );

  api.get(
    '/payments/{orderId}',
    {
      operationId: 'getPayment',
      summary: 'The payment of an order',
      description: 'Another customer’s payment is, for a customer token, none (404).',
      scopes: [Scopes.paymentsRead],
      params: orderParams,
      responses: {
        200: { description: 'The payment', body: payment },
        404: problem('Payments has not seen the order'),
      },
    },
    async ({ params: { orderId } }, res) => {
      const found = await findPayment(db, orderId);
      if (!found || !maySee(principalOf(res), found.customerId))
        throw HttpProblem.notFound(`no payment for order ${orderId}`);
      res.json(found satisfies Payment);
    },
  );

  return api;
}
