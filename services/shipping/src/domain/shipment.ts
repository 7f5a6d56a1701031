/**
 * The Shipment aggregate, one stream per order. Shipping needs two facts from two
 * topics — the order's lines (OrderPlaced on orders.events) and the payment
 * (PaymentAuthorized on payments.events) — and there is no order across topics, so
 * either may come first. It reserves stock and schedules the shipment once it has
 * both; a cancellation releases what was reserved, or, if nothing was, leaves a
 * marker so that a late payment is never acted on.
 *
 * The stock levels of the order's SKUs arrive in the command (the shell reads them);
 * the shell applies ShipmentScheduled as a reservation and ShipmentCancelled as a
 * release, in the same transaction.
 */
import { assertNever } from '@orderflow/decider';

export interface Line {
  sku: string;
  quantity: number;
}

export interface Address {
  recipient: string;
  line1: string;
  line2?: string | null;
  city: string;
  postalCode: string;
  country: string;
}

/** Everything the shell decides outside the aggregate: ids, time, stock, carrier policy. */
export interface Context {
  shipmentId: string;
  now: Date;
  /** Units available per SKU, for the SKUs of this order. */
  stock: Readonly<Record<string, number>>;
  /** Countries the carrier delivers to. */
  deliverableCountries: readonly string[];
  carrier: string;
  transitDays: number;
}

export type ShipmentCommand =
  | {
      type: 'RecordOrderPlaced';
      data: { orderId: string; lines: Line[]; address: Address };
      context: Context;
    }
  | {
      type: 'RecordPaymentAuthorized';
      data: { orderId: string; paymentId: string };
      context: Context;
    }
  | { type: 'RecordOrderCancelled'; data: { orderId: string }; context: Context };

export type ShipmentEvent =
  | { type: 'OrderNoted'; data: { orderId: string; lines: Line[]; address: Address } }
  | { type: 'PaymentNoted'; data: { orderId: string; paymentId: string } }
  | {
      type: 'ShipmentScheduled';
      data: { orderId: string; shipmentId: string; lines: Line[]; carrier: string; eta: string };
    }
  | {
      type: 'ShipmentFailed';
      data: { orderId: string; reason: 'OUT_OF_STOCK' | 'UNDELIVERABLE'; detail: string };
    }
  | { type: 'ShipmentCancelled'; data: { orderId: string; shipmentId: string; lines: Line[] } }
  | { type: 'CancellationNoted'; data: { orderId: string } };

export interface ShipmentState {
  status: 'OPEN' | 'SCHEDULED' | 'FAILED' | 'CANCELLED';
  order?: { lines: Line[]; address: Address };
  paid: boolean;
  shipmentId?: string;
}

export const initialState: ShipmentState = { status: 'OPEN', paid: false };

export function decide(command: ShipmentCommand, state: ShipmentState): ShipmentEvent[] {
  const { orderId } = command.data;
  switch (command.type) {
    case 'RecordOrderPlaced': {
      if (state.order || state.status !== 'OPEN') return [];
      const { lines, address } = command.data;
      const noted: ShipmentEvent = { type: 'OrderNoted', data: { orderId, lines, address } };
      return state.paid ? [noted, schedule(orderId, lines, address, command.context)] : [noted];
    }
    case 'RecordPaymentAuthorized': {
      if (state.paid || state.status !== 'OPEN') return []; // repeated, or cancelled first
      const noted: ShipmentEvent = {
        type: 'PaymentNoted',
        data: { orderId, paymentId: command.data.paymentId },
      };
      return state.order
        ? [noted, schedule(orderId, state.order.lines, state.order.address, command.context)]
        : [noted];
    }
    case 'RecordOrderCancelled': {
      if (state.status === 'SCHEDULED' && state.shipmentId && state.order) {
        const { shipmentId, order } = state;
        return [{ type: 'ShipmentCancelled', data: { orderId, shipmentId, lines: order.lines } }];
      }
      return state.status === 'OPEN' ? [{ type: 'CancellationNoted', data: { orderId } }] : [];
    }
    default:
      return assertNever(command);
  }
}

/** Reserve every line or none: a short line fails the whole shipment. */
function schedule(
  orderId: string,
  lines: Line[],
  address: Address,
  context: Context,
): ShipmentEvent {
  if (!context.deliverableCountries.includes(address.country)) {
    return {
      type: 'ShipmentFailed',
      data: {
        orderId,
        reason: 'UNDELIVERABLE',
        detail: `no carrier delivers to ${address.country}`,
      },
    };
  }
  // Summed per SKU: the contract does not forbid two lines of one SKU, and checking
  // them one by one would let both pass against stock that covers only one.
  const wanted = new Map<string, number>();
  for (const line of lines) wanted.set(line.sku, (wanted.get(line.sku) ?? 0) + line.quantity);
  const short = [...wanted].filter(([sku, quantity]) => (context.stock[sku] ?? 0) < quantity);
  if (short.length > 0) {
    const detail = short
      .map(([sku, quantity]) => `${sku}: ${quantity} wanted, ${context.stock[sku] ?? 0} available`)
      .join('; ');
    return { type: 'ShipmentFailed', data: { orderId, reason: 'OUT_OF_STOCK', detail } };
  }
  const eta = new Date(context.now.getTime() + context.transitDays * 86_400_000).toISOString();
  return {
    type: 'ShipmentScheduled',
    data: { orderId, shipmentId: context.shipmentId, lines, carrier: context.carrier, eta },
  };
}

export function evolve(state: ShipmentState, event: ShipmentEvent): ShipmentState {
  switch (event.type) {
    case 'OrderNoted':
      return { ...state, order: { lines: event.data.lines, address: event.data.address } };
    case 'PaymentNoted':
      return { ...state, paid: true };
    case 'ShipmentScheduled':
      return { ...state, status: 'SCHEDULED', shipmentId: event.data.shipmentId };
    case 'ShipmentFailed':
      return { ...state, status: 'FAILED' };
    case 'ShipmentCancelled':
    case 'CancellationNoted':
      return { ...state, status: 'CANCELLED' };
    default:
      return assertNever(event);
  }
}

export const shipmentDecider = { decide, evolve, initialState };
