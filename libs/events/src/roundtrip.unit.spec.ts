import avro from 'avsc';
import {
  eventDefinitions,
  eventTypeOfFullName,
  eventTypes,
  eventTypesOf,
  subjectName,
  Topics,
  type IntegrationEvent,
} from './index.js';
import { samples } from './test-support/samples.js';
import { avroOptions } from './timestamp.js';

const typeOf = (name: keyof typeof eventDefinitions) =>
  avro.Type.forSchema(eventDefinitions[name].schema as avro.Schema, avroOptions());

describe('every event schema', () => {
  it.each(eventTypes)('%s round-trips through Avro binary unchanged', (name) => {
    const type = typeOf(name);
    const decoded: unknown = type.fromBuffer(type.toBuffer(samples[name]));
    expect(decoded).toEqual(samples[name]);
  });

  it('reads timestamps back as equal Dates, not numbers', () => {
    const decoded = typeOf('OrderPlaced').fromBuffer(
      typeOf('OrderPlaced').toBuffer(samples.OrderPlaced),
    ) as typeof samples.OrderPlaced;
    expect(decoded.placedAt).toBeInstanceOf(Date);
    expect(decoded.placedAt.getTime()).toBe(samples.OrderPlaced.placedAt.getTime());
  });

  it('keeps amounts exact up to 9007199254740990 minor units and refuses anything larger', () => {
    const type = typeOf('PaymentAuthorized');
    const max = {
      ...samples.PaymentAuthorized,
      amount: { amountMinor: 9_007_199_254_740_990, currency: 'EUR' },
    };
    expect(type.fromBuffer(type.toBuffer(max))).toEqual(max);
    const unsafe = { ...max, amount: { amountMinor: 2 ** 53 + 2, currency: 'EUR' } };
    expect(() => type.toBuffer(unsafe)).toThrow(/invalid/);
  });

  it('refuses an invalid Date and a number where a Date is declared', () => {
    const type = typeOf('OrderConfirmed');
    expect(type.isValid({ ...samples.OrderConfirmed, confirmedAt: new Date('nope') })).toBe(false);
    expect(type.isValid({ ...samples.OrderConfirmed, confirmedAt: 1 })).toBe(false);
  });
});

describe('the catalog', () => {
  it('names subjects <topic>-<record full name>', () => {
    const { fullName, service } = eventDefinitions.PaymentRefunded;
    expect(subjectName(Topics[service], fullName)).toBe(
      'payments.events-orderflow.payments.PaymentRefunded',
    );
  });

  it('groups events by publishing service and finds them by full name', () => {
    expect(eventTypesOf('shipping')).toEqual([
      'ShipmentCancelled',
      'ShipmentFailed',
      'ShipmentScheduled',
    ]);
    expect(eventTypeOfFullName('orderflow.orders.OrderPlaced')).toBe('OrderPlaced');
    expect(eventTypeOfFullName('orderflow.common.Money')).toBeUndefined();
  });

  it('lets a switch over the union be checked for exhaustiveness', () => {
    const describeEvent = (event: IntegrationEvent): string => {
      switch (event.type) {
        case 'OrderPlaced':
          return `placed ${event.data.total.amountMinor}`;
        case 'OrderConfirmed':
        case 'OrderCancelled':
        case 'PaymentAuthorized':
        case 'PaymentDeclined':
        case 'PaymentRefunded':
        case 'ShipmentScheduled':
        case 'ShipmentFailed':
        case 'ShipmentCancelled':
        case 'NotificationSent':
          return event.data.orderId;
        default: {
          const unhandled: never = event;
          return unhandled;
        }
      }
    };
    expect(describeEvent({ type: 'OrderPlaced', data: samples.OrderPlaced })).toBe('placed 6499');
  });
});
