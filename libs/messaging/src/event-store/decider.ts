export type { Decider } from '@orderflow/decider';
export { fold } from '@orderflow/decider';

/** Events as stored and published by the event store: a discriminated union on `type`. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
}
