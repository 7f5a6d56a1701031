import type { Executor, MessagingTables } from '../types.js';
import type { UnitOfWork } from './unit-of-work.js';

/** The unit of work each transaction runs in, if any (see `withUnitOfWork`). */
const units = new WeakMap<object, UnitOfWork<never>>();

export function unitOfWorkOf<DB extends MessagingTables>(
  trx: Executor<DB>,
): UnitOfWork<DB> | undefined {
  // Keyed by this very transaction: the unit attached to it was made over the same DB.
  return units.get(trx) as UnitOfWork<DB> | undefined;
}

export function attachUnitOfWork<DB extends MessagingTables>(
  trx: Executor<DB>,
  unit: UnitOfWork<DB>,
): () => void {
  units.set(trx, unit as unknown as UnitOfWork<never>);
  return () => units.delete(trx);
}
