import { migrateMessaging } from '@orderflow/messaging';
import type { ServiceContext, ServiceParts } from '@orderflow/platform';
import { createMessaging, migrateToLatest } from '@orderflow/platform';
import type { PaymentsConfig } from './config.js';
import { reactsTo } from './domain/saga.js';
import { lockKeysFor, paymentFacts } from './features/payment-commands.js';
import { paymentsRoutes } from './http/routes.js';
import type { PaymentsDatabase, PaymentsDb } from './infra/database.js';
import { demoAccounts, paymentsMigrations } from './infra/migrations.js';

/** Wires payments: migrations, demo accounts, the relay, and the consumer of orders and shipping events. */
export async function startPayments(
  config: PaymentsConfig,
  context: ServiceContext<PaymentsDatabase>,
): Promise<ServiceParts> {
  await context.migrate(async (owner) => {
    await migrateMessaging(owner);
    await migrateToLatest(owner, paymentsMigrations);
  });
  const db: PaymentsDb = context.db;
  if (config.SEED_DEMO_ACCOUNTS) {
    await db
      .insertInto('accounts')
      .values(demoAccounts.map((a) => ({ ...a, balance_minor: a.opening_balance_minor })))
      .onConflict((oc) => oc.column('customer_id').doNothing())
      .execute();
  }
  const messaging = await createMessaging('payments', ['orders', 'shipping'], config, context);
  const facts = paymentFacts(messaging.publisher, {
    reviewThresholdMinor: config.PAYMENT_REVIEW_THRESHOLD_MINOR,
  });
  const running = await messaging.start(facts.handle, lockKeysFor, {
    prepareBatch: facts.prepareBatch,
    reactsTo,
  });
  return { routes: paymentsRoutes(db), ...running };
}
