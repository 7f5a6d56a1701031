/**
 * What the check reads once the run has settled: each service's own rows, every record
 * of every topic (read afresh from the beginning), and the SMTP sink. Plain data, so the
 * checker is a pure function and can be tested on crafted broken data.
 */
import type { ServiceName } from './schedule.js';

export interface OrderRow {
  orderId: string;
  status: 'PENDING' | 'CONFIRMED' | 'CANCELLED';
  totalMinor: number;
  items: { sku: string; quantity: number }[];
  cancelReason: string | null;
}

/** A row of a service's event store, in commit order (`tx_id`, then position). */
export interface StoredEvent {
  eventId: string;
  streamId: string;
  /** The order it is about (`data.orderId`): the key its record carries. */
  orderId: string;
  type: string;
  data: Record<string, unknown>;
}

/** A record as a fresh consumer reads it, in offset order within its partition. */
export interface TopicRecord {
  partition: number;
  offset: string;
  key: string | null;
  /** `ce_id`: the producing service's event id. */
  id: string | undefined;
  type: string | undefined;
}

export interface Snapshot {
  /** Order ids the API accepted (201) during the run. */
  accepted: string[];
  orders: OrderRow[];
  /** Event stores of the event-sourced services, each in commit order. */
  events: Record<'orders' | 'payments' | 'shipping', StoredEvent[]>;
  accounts: { customerId: string; openingMinor: number; balanceMinor: number }[];
  stock: { sku: string; opening: number; available: number; reserved: number }[];
  notifications: { orderId: string; kind: string; status: string; messageId: string }[];
  /** Rows left in each service's outbox. */
  outboxLeft: Record<ServiceName, number>;
  /** Every record of each service's topic, keyed by producing service. */
  topics: Record<ServiceName, TopicRecord[]>;
  /** Records on each dead-letter topic, keyed by producing service. */
  deadLetters: Record<ServiceName, TopicRecord[]>;
  /** Message-IDs in the SMTP sink for this run's orders. */
  mails: string[];
}
