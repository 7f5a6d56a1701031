import type { Service } from './definitions.js';
import {
  eventDefinitions,
  eventTypes,
  type EventDataMap,
  type EventServiceMap,
} from './generated/catalog.js';

/** Record name of an integration event, e.g. `'OrderPlaced'`. */
export type EventType = keyof EventDataMap;

/**
 * A decoded integration event: `type` is the record name, `data` its generated type.
 * Switch on `type` and finish with `assertNever` (from `@orderflow/decider`) so a new
 * event is a compile error in every consumer that forgot it.
 */
export type IntegrationEvent = {
  [K in EventType]: { readonly type: K; readonly data: EventDataMap[K] };
}[EventType];

export type EventOf<K extends EventType> = Extract<IntegrationEvent, { type: K }>;

/** The record names a service publishes, e.g. `EventTypeOf<'payments'>`. */
export type EventTypeOf<S extends Service> = {
  [K in EventType]: EventServiceMap[K] extends S ? K : never;
}[EventType];

const byFullName = new Map<string, EventType>(
  eventTypes.map((t) => [eventDefinitions[t].fullName, t]),
);

/** `orderflow.orders.OrderPlaced` → `OrderPlaced`; undefined for any other record. */
export function eventTypeOfFullName(fullName: string): EventType | undefined {
  return byFullName.get(fullName);
}

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(eventDefinitions, value);
}

export function eventTypesOf<S extends Service>(service: S): EventTypeOf<S>[] {
  return eventTypes.filter((t): t is EventTypeOf<S> => eventDefinitions[t].service === service);
}
