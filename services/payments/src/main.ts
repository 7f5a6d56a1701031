// Tracing starts before anything else loads (see libs/platform/src/instrument.ts).
import '@orderflow/platform/instrument';
import { runService } from '@orderflow/platform';
import { startPayments } from './app.js';
import { loadConfig } from './config.js';
import type { PaymentsDatabase } from './infra/database.js';

// Composition root: configuration is parsed once here and everything is passed down.
const config = loadConfig();
void runService<PaymentsDatabase>('payments', config, (context) => startPayments(config, context));
