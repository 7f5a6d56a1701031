/**
 * The Order aggregate as a decider: pure functions over commands, events and state.
 * Time and ids arrive in the commands; nothing here does I/O.
 *
 * The order waits for two facts from other services — payment authorized and
 * shipment scheduled — and is confirmed once it has both. Any failure, a customer
 * cancellation or the saga deadline cancels it. A terminal order never changes
 * again: late facts about it are ignored here (the other services compensate their
 * own side when they see OrderCancelled).
 */
import { DomainError, assertNever } from '@orderflow/decider';

export interface Money {
  amountMinor: number;
  currency: string;
}

export interface OrderLine {
  sku: string;
  quantity: number;
  unitPrice: Money;
}

export interface Address {
  recipient: string;
  line1: string;
  line2?: string | null;
  city: string;
  postalCode: string;
  country: string;
}

/** What a customer asks for when placing an order; the order's id and time are added on placing. */
export interface PlaceOrderRequest {
  customerId: string;
  items: OrderLine[];
  shippingAddress: Address;
}

/** Why an order was cancelled. UNDELIVERABLE follows a ShipmentFailed(UNDELIVERABLE). */
export type CancelReason =
  'PAYMENT_DECLINED' | 'OUT_OF_STOCK' | 'UNDELIVERABLE' | 'CUSTOMER_REQUEST' | 'TIMEOUT';

export type OrderCommand =
  | {
      type: 'PlaceOrder';
      data: {
        orderId: string;
        customerId: string;
        items: OrderLine[];
        shippingAddress: Address;
        now: Date;
      };
    }
  | { type: 'RecordPaymentAuthorized'; data: { paymentId: string; now: Date } }
  | { type: 'RecordPaymentDeclined'; data: { reason: string; now: Date } }
  | { type: 'RecordShipmentScheduled'; data: { shipmentId: string; now: Date } }
  | {
      type: 'RecordShipmentFailed';
      data: { reason: 'OUT_OF_STOCK' | 'UNDELIVERABLE'; detail?: string; now: Date };
    }
  | { type: 'CancelOrder'; data: { reason: 'CUSTOMER_REQUEST' | 'TIMEOUT'; now: Date } };

export type OrderEvent =
  | {
      type: 'OrderPlaced';
      data: {
        orderId: string;
        customerId: string;
        items: OrderLine[];
        total: Money;
        shippingAddress: Address;
        placedAt: Timestamp;
      };
    }
  | { type: 'PaymentAuthorized'; data: { paymentId: string; at: Timestamp } }
  | { type: 'ShipmentScheduled'; data: { shipmentId: string; at: Timestamp } }
  | {
      type: 'OrderConfirmed';
      data: { paymentId: string; shipmentId: string; confirmedAt: Timestamp };
    }
  | {
      type: 'OrderCancelled';
      data: { reason: CancelReason; detail?: string; cancelledAt: Timestamp };
    };

/** Events are stored as JSON, so their times are ISO-8601 strings; commands carry Dates. */
export type Timestamp = string;

export type OrderStatus = 'NEW' | 'PENDING' | 'CONFIRMED' | 'CANCELLED';

export interface OrderState {
  status: OrderStatus;
  orderId?: string;
  placedAt?: Timestamp;
  paymentId?: string;
  shipmentId?: string;
}

export const initialState: OrderState = { status: 'NEW' };

/** A command that the order's current state does not allow; the HTTP layer maps it to 409. */
export class OrderConflictError extends DomainError {}

/** A command whose content is invalid whatever the state; the HTTP layer maps it to 422. */
export class InvalidOrderError extends DomainError {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

export function decide(command: OrderCommand, state: OrderState): OrderEvent[] {
  if (command.type === 'PlaceOrder') {
    if (state.status !== 'NEW')
      throw new OrderConflictError(`order ${command.data.orderId} already exists`);
    const { now, ...order } = command.data;
    return [
      {
        type: 'OrderPlaced',
        data: { ...order, total: orderTotal(order.items), placedAt: now.toISOString() },
      },
    ];
  }
  if (state.status === 'NEW') throw new OrderConflictError('the order does not exist');
  if (state.status !== 'PENDING') {
    if (
      command.type === 'CancelOrder' &&
      command.data.reason === 'CUSTOMER_REQUEST' &&
      state.status === 'CONFIRMED'
    ) {
      throw new OrderConflictError('a confirmed order can no longer be cancelled');
    }
    return []; // terminal: late or repeated facts change nothing
  }

  switch (command.type) {
    case 'RecordPaymentAuthorized': {
      const { paymentId, now } = command.data;
      const authorized: OrderEvent = {
        type: 'PaymentAuthorized',
        data: { paymentId, at: now.toISOString() },
      };
      return state.shipmentId
        ? [authorized, confirmed(paymentId, state.shipmentId, now)]
        : state.paymentId
          ? []
          : [authorized];
    }
    case 'RecordShipmentScheduled': {
      const { shipmentId, now } = command.data;
      const scheduled: OrderEvent = {
        type: 'ShipmentScheduled',
        data: { shipmentId, at: now.toISOString() },
      };
      return state.paymentId
        ? [scheduled, confirmed(state.paymentId, shipmentId, now)]
        : state.shipmentId
          ? []
          : [scheduled];
    }
    case 'RecordPaymentDeclined':
      return [cancelled('PAYMENT_DECLINED', command.data.now, command.data.reason)];
    case 'RecordShipmentFailed':
      return [cancelled(command.data.reason, command.data.now, command.data.detail)];
    case 'CancelOrder':
      return [cancelled(command.data.reason, command.data.now)];
    default:
      return assertNever(command);
  }
}

export function evolve(state: OrderState, event: OrderEvent): OrderState {
  switch (event.type) {
    case 'OrderPlaced':
      return { status: 'PENDING', orderId: event.data.orderId, placedAt: event.data.placedAt };
    case 'PaymentAuthorized':
      return { ...state, paymentId: event.data.paymentId };
    case 'ShipmentScheduled':
      return { ...state, shipmentId: event.data.shipmentId };
    case 'OrderConfirmed':
      return { ...state, status: 'CONFIRMED' };
    case 'OrderCancelled':
      return { ...state, status: 'CANCELLED' };
    default:
      return assertNever(event);
  }
}

export const orderDecider = { decide, evolve, initialState };

function confirmed(paymentId: string, shipmentId: string, now: Date): OrderEvent {
  return {
    type: 'OrderConfirmed',
    data: { paymentId, shipmentId, confirmedAt: now.toISOString() },
  };
}

function cancelled(reason: CancelReason, now: Date, detail?: string): OrderEvent {
  return {
    type: 'OrderCancelled',
    data: { reason, cancelledAt: now.toISOString(), ...(detail ? { detail } : {}) },
  };
}

/** Sum of the lines in their one currency; rejects empty orders and mixed currencies. */
export function orderTotal(items: readonly OrderLine[]): Money {
  const first = items[0];
  if (!first) throw new InvalidOrderError('an order needs at least one item', 'items');
  let amountMinor = 0;
  items.forEach((line, i) => {
    if (line.unitPrice.currency !== first.unitPrice.currency) {
      throw new InvalidOrderError(
        'all items must be priced in the same currency',
        `items/${i}/unitPrice/currency`,
      );
    }
    amountMinor += line.quantity * line.unitPrice.amountMinor;
  });
  if (!Number.isSafeInteger(amountMinor))
    throw new InvalidOrderError('order total is too large', 'items');
  return { amountMinor, currency: first.unitPrice.currency };
}
