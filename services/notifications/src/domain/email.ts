import type { CancellationReason, Money } from '@orderflow/events';
import type { Outcome } from './notification.js';

export interface OrderFacts {
  orderId: string;
  total: Money;
}

export interface RenderedEmail {
  subject: string;
  text: string;
}

/** What the customer reads, per cancellation reason. */
const reasonInWords: Record<CancellationReason, { short: string; sentence: string }> = {
  PAYMENT_DECLINED: {
    short: 'payment declined',
    sentence: 'your payment could not be authorized',
  },
  OUT_OF_STOCK: { short: 'out of stock', sentence: 'some of the items are out of stock' },
  UNDELIVERABLE: {
    short: 'undeliverable',
    sentence: 'no carrier delivers to the shipping address',
  },
  CUSTOMER_REQUEST: { short: 'at your request', sentence: 'you asked us to cancel it' },
  TIMEOUT: { short: 'timed out', sentence: 'it could not be completed in time' },
};

/** The first block of the order id: enough for a subject line, the body has the whole id. */
export const shortOrderId = (orderId: string): string => orderId.split('-')[0] ?? orderId;

/** `EUR 30.00`; the number of decimals follows the currency (JPY has none). */
export function formatMoney({ amountMinor, currency }: Money): string {
  const digits = fractionDigits(currency);
  return `${currency} ${(amountMinor / 10 ** digits).toFixed(digits)}`;
}

/**
 * Decimals per currency code, looked up once: making an `Intl.NumberFormat` was about
 * 1% of the notifications service's busy time at 40 orders/s (one per e-mail). Bounded,
 * as the codes come from events.
 */
const digitsByCurrency = new Map<string, number>();

function fractionDigits(currency: string): number {
  const known = digitsByCurrency.get(currency);
  if (known !== undefined) return known;
  let digits = 2;
  try {
    digits =
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits ?? 2;
  } catch {
    // An unknown code: keep two decimals rather than failing a notification over it.
  }
  if (digitsByCurrency.size < 256) digitsByCurrency.set(currency, digits);
  return digits;
}

/**
 * The plain-text e-mail about an order's outcome. The cancellation detail is meant for
 * support staff (see the contract), so the customer gets the reason in words only.
 */
export function renderEmail(order: OrderFacts, outcome: Outcome): RenderedEmail {
  const short = shortOrderId(order.orderId);
  const facts = [`Order: ${order.orderId}`, `Total: ${formatMoney(order.total)}`];
  switch (outcome.kind) {
    case 'ORDER_CONFIRMED':
      return {
        subject: `Your order ${short} is confirmed`,
        text: [
          'Hello,',
          '',
          'your order is confirmed: it is paid and its shipment is scheduled.',
          '',
          ...facts,
          '',
          'Thank you for your order.',
          '',
        ].join('\n'),
      };
    case 'ORDER_CANCELLED': {
      const reason = reasonInWords[outcome.reason];
      return {
        subject: `Your order ${short} was cancelled (${reason.short})`,
        text: [
          'Hello,',
          '',
          `your order was cancelled because ${reason.sentence}.`,
          'Anything that was charged for it is refunded.',
          '',
          ...facts,
          `Reason: ${outcome.reason}`,
          '',
        ].join('\n'),
      };
    }
    default: {
      const unknown: never = outcome;
      throw new Error(`no e-mail for ${JSON.stringify(unknown)}`);
    }
  }
}
