import { migrateMessaging } from '@orderflow/messaging';
import type { ServiceContext, ServiceParts } from '@orderflow/platform';
import { createMessaging, migrateToLatest } from '@orderflow/platform';
import type { OrdersConfig } from './config.js';
import { AdmissionControl } from './features/admission.js';
import { lockKeysFor } from './features/order-commands.js';
import { OrderPlacements } from './features/order-placements.js';
import { recordSagaFacts } from './features/record-saga-facts.js';
import { SagaDeadline } from './features/saga-deadline.js';
import { sagaMetrics } from './features/saga-metrics.js';
import { ordersRoutes } from './http/routes.js';
import type { OrdersDatabase, OrdersDb } from './infra/database.js';
import { ordersMigrations } from './infra/migrations.js';

/**
 * Wires the orders service: migrations, schemas, topics, the outbox relay, the
 * consumer of payments and shipping events, the saga deadline and the HTTP API.
 */
export async function startOrders(
  config: OrdersConfig,
  context: ServiceContext<OrdersDatabase>,
  version = '0.1.0',
): Promise<ServiceParts> {
  await context.migrate(async (owner) => {
    await migrateMessaging(owner);
    await migrateToLatest(owner, ordersMigrations);
  });
  const db: OrdersDb = context.db;
  const messaging = await createMessaging('orders', ['payments', 'shipping'], config, context);
  const observe = sagaMetrics(context.metrics);
  const running = await messaging.start(recordSagaFacts(messaging.publisher, observe), lockKeysFor);
  const deadline = new SagaDeadline(db, messaging.publisher, context.logger, observe, {
    deadlineMs: config.SAGA_DEADLINE_MS,
    scanEveryMs: config.SAGA_DEADLINE_SCAN_MS,
  });
  deadline.start();
  const admission = config.ADMISSION_CONTROL
    ? new AdmissionControl(
        db,
        {
          policy: {
            minInFlight: config.ADMISSION_MIN_IN_FLIGHT,
            queueSeconds: config.ADMISSION_QUEUE_SECONDS ?? config.SAGA_DEADLINE_MS / 3_000,
          },
          sampleMs: config.ADMISSION_SAMPLE_MS,
        },
        context.logger,
        context.metrics,
      )
    : undefined;
  admission?.start();
  return {
    routes: ordersRoutes({
      db,
      publisher: messaging.publisher,
      placements: new OrderPlacements(db, messaging.publisher),
      observe,
      version,
      admission,
    }),
    readiness: running.readiness,
    closers: [
      ...running.closers,
      { name: 'saga deadline', close: () => deadline.stop() },
      { name: 'admission control', close: () => admission?.stop() ?? Promise.resolve() },
    ],
  };
}
