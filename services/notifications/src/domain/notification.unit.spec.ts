import type { IntegrationEvent } from '@orderflow/events';
import { messageIdFor, outcomeOf, recipientFor } from './notification.js';

const orderId = '7f1c9a3e-0b5d-4c1e-9f00-123456789abc';

describe('outcomeOf', () => {
  it('turns OrderConfirmed into an ORDER_CONFIRMED outcome', () => {
    const event: IntegrationEvent = {
      type: 'OrderConfirmed',
      data: { orderId, paymentId: 'p-1', shipmentId: 's-1', confirmedAt: new Date(0) },
    };
    expect(outcomeOf(event)).toEqual({ kind: 'ORDER_CONFIRMED' });
  });

  it('turns OrderCancelled into an ORDER_CANCELLED outcome with its reason and detail', () => {
    const event: IntegrationEvent = {
      type: 'OrderCancelled',
      data: { orderId, reason: 'OUT_OF_STOCK', detail: 'SKU-1', cancelledAt: new Date(0) },
    };
    expect(outcomeOf(event)).toEqual({
      kind: 'ORDER_CANCELLED',
      reason: 'OUT_OF_STOCK',
      detail: 'SKU-1',
    });
  });

  it('is not an outcome for the start of the saga or for other services’ events', () => {
    const placed = {
      type: 'OrderPlaced',
      data: { orderId, customerId: 'c-1' },
    } as unknown as IntegrationEvent;
    const sent: IntegrationEvent = {
      type: 'NotificationSent',
      data: { orderId, customerId: 'c-1', kind: 'ORDER_CONFIRMED', channel: 'EMAIL' },
    };
    expect(outcomeOf(placed)).toBeUndefined();
    expect(outcomeOf(sent)).toBeUndefined();
  });
});

describe('messageIdFor', () => {
  it('is derived from the order and the kind only, so a re-send carries the same id', () => {
    expect(messageIdFor(orderId, 'ORDER_CONFIRMED')).toBe(`<${orderId}.ORDER_CONFIRMED@orderflow>`);
    expect(messageIdFor(orderId, 'ORDER_CONFIRMED')).toBe(messageIdFor(orderId, 'ORDER_CONFIRMED'));
    expect(messageIdFor(orderId, 'ORDER_CANCELLED')).not.toBe(
      messageIdFor(orderId, 'ORDER_CONFIRMED'),
    );
  });
});

describe('recipientFor', () => {
  it('derives <customerId>@<domain>, lower-cased', () => {
    expect(recipientFor('c-Ada_1', 'customers.orderflow.test')).toBe(
      'c-ada_1@customers.orderflow.test',
    );
  });

  it('replaces characters that are unsafe in an unquoted local part', () => {
    expect(recipientFor('a b@c"d', 'example.test')).toBe('a_b_c_d@example.test');
  });
});
