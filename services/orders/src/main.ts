// Tracing starts before anything else loads (see libs/platform/src/instrument.ts).
import '@orderflow/platform/instrument';
import { runService } from '@orderflow/platform';
import { startOrders } from './app.js';
import { loadConfig } from './config.js';
import type { OrdersDatabase } from './infra/database.js';

// Composition root: configuration is parsed once here and everything is passed down.
const config = loadConfig();
void runService<OrdersDatabase>('orders', config, (context) =>
  startOrders(config, context, process.env['npm_package_version']),
);
