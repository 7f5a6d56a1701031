import * as fc from 'fast-check';
import type { IntegrationEvent, NotificationKind } from '@orderflow/events';
import { subscriptions } from '@orderflow/events';
import { deliveries } from '@orderflow/testing';
import { messageIdFor, outcomeOf } from './notification.js';

/**
 * The notifications rules over one order's orders.events, delivered any number of
 * times: the notifications they call for, keyed by order and kind as the service
 * dedupes them, are exactly one per outcome, with one Message-ID.
 */
const orderId = 'o-1';
const now = new Date('2026-01-01T10:00:00Z');
const runs = { numRuns: 300 };

const placed = (): IntegrationEvent => ({
  type: 'OrderPlaced',
  data: {
    orderId,
    customerId: 'c-1',
    items: [{ sku: 'SKU-1', quantity: 1, unitPrice: { amountMinor: 500, currency: 'EUR' } }],
    total: { amountMinor: 500, currency: 'EUR' },
    shippingAddress: {
      recipient: 'Ada',
      line1: '1 Loop Rd',
      line2: null,
      city: 'Lisbon',
      postalCode: '1000-001',
      country: 'PT',
    },
    placedAt: now,
  },
});

const outcome = fc.oneof(
  fc.constant(undefined),
  fc.constant<IntegrationEvent>({
    type: 'OrderConfirmed',
    data: { orderId, paymentId: 'p-1', shipmentId: 's-1', confirmedAt: now },
  }),
  fc
    .record({
      reason: fc.constantFrom(
        'PAYMENT_DECLINED',
        'OUT_OF_STOCK',
        'UNDELIVERABLE',
        'CUSTOMER_REQUEST',
        'TIMEOUT',
      ),
      detail: fc.option(fc.string({ maxLength: 20 }), { nil: null }),
    })
    .map(({ reason, detail }): IntegrationEvent => ({
      type: 'OrderCancelled',
      data: { orderId, reason, detail, cancelledAt: now },
    })),
);

const scenario = outcome.chain((last) =>
  deliveries([[placed(), ...(last ? [last] : [])]], { maxRedeliveries: 6 }).map((events) => ({
    last,
    events,
  })),
);

const kindOf: Partial<Record<IntegrationEvent['type'], NotificationKind>> = {
  OrderConfirmed: 'ORDER_CONFIRMED',
  OrderCancelled: 'ORDER_CANCELLED',
};

describe('notification rules, over redelivered orders.events', () => {
  it('call for exactly one notification per outcome, whatever was delivered twice', () => {
    fc.assert(
      fc.property(scenario, ({ last, events }) => {
        const notifications = new Map<string, string>();
        for (const event of events) {
          const found = outcomeOf(event);
          if (!found) continue;
          const key = `${event.data.orderId}/${found.kind}`;
          notifications.set(key, messageIdFor(event.data.orderId, found.kind));
        }
        const kind = last && kindOf[last.type];
        expect([...notifications.entries()]).toEqual(
          kind ? [[`${orderId}/${kind}`, `<${orderId}.${kind}@orderflow>`]] : [],
        );
        if (last?.type === 'OrderCancelled') {
          expect(outcomeOf(last)).toEqual({
            kind: 'ORDER_CANCELLED',
            reason: last.data.reason,
            detail: last.data.detail,
          });
        }
      }),
      runs,
    );
  });

  it('come only from the events the contract says notifications acts on', () => {
    const listed: readonly string[] = subscriptions.notifications.orders;
    fc.assert(
      fc.property(scenario, ({ events }) => {
        for (const event of events) {
          expect(listed).toContain(event.type);
          if (outcomeOf(event)) expect(Object.keys(kindOf)).toContain(event.type);
        }
      }),
      runs,
    );
  });
});
