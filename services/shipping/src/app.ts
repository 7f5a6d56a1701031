import { migrateMessaging } from '@orderflow/messaging';
import type { ServiceContext, ServiceParts } from '@orderflow/platform';
import { createMessaging, migrateToLatest } from '@orderflow/platform';
import type { ShippingConfig } from './config.js';
import { reactsTo } from './domain/saga.js';
import { lockKeysFor, shipmentFacts } from './features/shipment-commands.js';
import { shippingRoutes } from './http/routes.js';
import type { ShippingDatabase, ShippingDb } from './infra/database.js';
import { demoStock, shippingMigrations } from './infra/migrations.js';

/** Wires shipping: migrations, demo stock, the relay, and the consumer of orders and payments events. */
export async function startShipping(
  config: ShippingConfig,
  context: ServiceContext<ShippingDatabase>,
): Promise<ServiceParts> {
  await context.migrate(async (owner) => {
    await migrateMessaging(owner);
    await migrateToLatest(owner, shippingMigrations);
  });
  const db: ShippingDb = context.db;
  if (config.SEED_DEMO_STOCK) {
    await db
      .insertInto('stock')
      .values(demoStock.map((s) => ({ ...s, available: s.opening_available })))
      .onConflict((oc) => oc.column('sku').doNothing())
      .execute();
  }
  const messaging = await createMessaging('shipping', ['orders', 'payments'], config, context);
  const facts = shipmentFacts(messaging.publisher, {
    carrier: config.SHIPPING_CARRIER,
    transitDays: config.SHIPPING_TRANSIT_DAYS,
    deliverableCountries: config.SHIPPING_COUNTRIES,
  });
  const running = await messaging.start(facts.handle, lockKeysFor, {
    prepareBatch: facts.prepareBatch,
    reactsTo,
  });
  return { routes: shippingRoutes(db), ...running };
}
