import type { EventTypeOf } from './catalog.js';

/**
 * The fixed parts of the contract that are not Avro: which services publish, on which
 * topic, and how registry subjects are named. The schemas themselves live in
 * `libs/events/schemas/` and everything derived from them is generated.
 */
export const services = ['orders', 'payments', 'shipping', 'notifications'] as const;
export type Service = (typeof services)[number];

/** One topic per producing service; the message key is always the orderId. */
export const Topics = {
  orders: 'orders.events',
  payments: 'payments.events',
  shipping: 'shipping.events',
  notifications: 'notifications.events',
} as const satisfies Record<Service, string>;
export type Topic = (typeof Topics)[Service];

/**
 * Who consumes what: for each consuming service, the topics it reads (by producing
 * service) and the events on them it acts on. It reads every record of those topics,
 * as consumer group `<KAFKA_TOPIC_PREFIX><service>`, and acknowledges the events not
 * named here without changing anything. A record it cannot use (not decodable, or not
 * belonging on its topic) goes to the topic's dead-letter topic.
 */
export const subscriptions = {
  orders: {
    payments: ['PaymentAuthorized', 'PaymentDeclined', 'PaymentRefunded'],
    shipping: ['ShipmentScheduled', 'ShipmentFailed', 'ShipmentCancelled'],
  },
  payments: { orders: ['OrderPlaced', 'OrderCancelled'], shipping: ['ShipmentFailed'] },
  shipping: { orders: ['OrderPlaced', 'OrderCancelled'], payments: ['PaymentAuthorized'] },
  notifications: { orders: ['OrderPlaced', 'OrderConfirmed', 'OrderCancelled'] },
} as const satisfies {
  readonly [C in Service]: { readonly [P in Service]?: readonly EventTypeOf<P>[] };
};

/** Where consumers of `topic` send the records they cannot use, e.g. `orders.events.dlq`. */
export function deadLetterTopicOf(topic: string): string {
  return `${topic}.dlq`;
}

/** Lets tests and environments with topic prefixes publish the same events elsewhere. */
export type TopicMap = Readonly<Record<Service, string>>;

/** TopicRecordNameStrategy: one subject per (topic, record), so a topic can carry many records. */
export function subjectName(topic: string, recordFullName: string): string {
  return `${topic}-${recordFullName}`;
}

/** Namespace of the records published by a service, e.g. `orderflow.orders`. */
export function namespaceOf(service: Service): string {
  return `orderflow.${service}`;
}

/** Namespace of the named types shared between events (Money, Address, reason enums). */
export const commonNamespace = 'orderflow.common';

/** A self-contained Avro record schema: every named type it uses is defined inside it. */
export interface RecordSchema {
  type: 'record';
  name: string;
  namespace: string;
  doc?: string;
  fields: FieldSchema[];
}

export interface FieldSchema {
  name: string;
  type: unknown;
  doc?: string;
  default?: unknown;
}

/** What the runtime knows about one integration event. */
export interface EventDefinition<T extends string = string> {
  /** The record name, used as the `type` of decoded messages. */
  readonly type: T;
  readonly service: Service;
  /** Namespace-qualified record name; also the CloudEvents `ce_type`. */
  readonly fullName: string;
  readonly schema: RecordSchema;
}
