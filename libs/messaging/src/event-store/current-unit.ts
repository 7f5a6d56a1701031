import type { Executor } from '../types.js';
import type { UnitOfWork } from './unit-of-work.js';

/** The unit of work each transaction runs in, if any (see `withUnitOfWork`). */
const units = new WeakMap<Executor, UnitOfWork>();

export function unitOfWorkOf(trx: Executor): UnitOfWork | undefined {
  return units.get(trx);
}

export function attachUnitOfWork(trx: Executor, unit: UnitOfWork): () => void {
  units.set(trx, unit);
  return () => units.delete(trx);
}
