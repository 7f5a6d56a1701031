import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line about an order carries, besides the trace and span ids. */
export interface LogContext {
  correlationId?: string;
  orderId?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with these fields on every log line written inside it (across awaits). */
export function withLogContext<T>(context: LogContext, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...context }, fn);
}

/** Adds the order id once a request handler knows it. */
export function setLogOrderId(orderId: string): void {
  const store = storage.getStore();
  if (store) store.orderId = orderId;
}

export function currentLogContext(): LogContext {
  return storage.getStore() ?? {};
}
