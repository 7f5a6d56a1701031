/**
 * Runs inside the checkout being measured (node --import tsx, cwd = --root):
 * `rebuildProjection(db, ordersView)` from that checkout's own libs/messaging and
 * services/orders, timed in-process, once per repetition. Loaded by path, not by
 * import, so the bench measures whichever code the checkout holds and the bench's
 * module boundaries stay intact (a tool never imports a service).
 *
 * argv: <root> <databaseUrl> <reps>; prints one JSON line per repetition.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

interface Messaging {
  rebuildProjection(db: unknown, projection: unknown, batchSize?: number): Promise<number>;
}
interface OrdersView {
  ordersView: unknown;
}
interface KyselyModule {
  Kysely: new (config: { dialect: unknown }) => { destroy(): Promise<void> };
  PostgresDialect: new (config: { pool: unknown }) => unknown;
}
interface PgModule {
  Pool: new (config: { connectionString: string; max: number }) => unknown;
}

async function main(): Promise<void> {
  const [root = process.cwd(), url = '', reps = '1'] = process.argv.slice(2);
  const load = <T>(rel: string) => import(pathToFileURL(path.join(root, rel)).href) as Promise<T>;
  const messaging = await load<Messaging>('libs/messaging/src/index.ts');
  const { ordersView } = await load<OrdersView>('services/orders/src/projections/orders-view.ts');
  const requireFromRoot = createRequire(path.join(root, 'package.json'));
  const { Kysely, PostgresDialect } = requireFromRoot('kysely') as KyselyModule;
  const { Pool } = requireFromRoot('pg') as PgModule;
  const db = new Kysely({
    dialect: new PostgresDialect({ pool: new Pool({ connectionString: url, max: 2 }) }),
  });
  try {
    for (let rep = 1; rep <= Number(reps); rep++) {
      const started = performance.now();
      const events = await messaging.rebuildProjection(db, ordersView);
      const ms = performance.now() - started;
      process.stdout.write(`${JSON.stringify({ rep, events, ms })}\n`);
    }
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
