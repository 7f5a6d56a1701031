import { assertNever } from '@orderflow/decider';
import type { RecordedEvent } from '@orderflow/messaging';
import type { Causation, EventPublisher } from '@orderflow/platform';
import type { PaymentEvent } from '../domain/payment.js';

/**
 * Domain to contract. PaymentVoided and PaymentHeldForReview are internal: nothing was
 * charged, nothing to say. The domain event's id and time become the message's ce_id
 * and ce_time.
 */
export function toIntegration(
  publisher: EventPublisher,
  recorded: RecordedEvent<PaymentEvent>,
  causation: Causation,
) {
  const event: PaymentEvent = recorded;
  const { eventId: id, recordedAt: time } = recorded;
  switch (event.type) {
    case 'PaymentAuthorized': {
      const { orderId, paymentId, customerId, amount } = event.data;
      return [
        publisher.message(
          'PaymentAuthorized',
          { orderId, paymentId, customerId, amount },
          causation,
          time,
          id,
        ),
      ];
    }
    case 'PaymentDeclined': {
      const { orderId, customerId, amount, reason } = event.data;
      return [
        publisher.message(
          'PaymentDeclined',
          { orderId, customerId, amount, reason },
          causation,
          time,
          id,
        ),
      ];
    }
    case 'PaymentRefunded': {
      const { orderId, paymentId, amount, reason } = event.data;
      return [
        publisher.message(
          'PaymentRefunded',
          { orderId, paymentId, amount, reason },
          causation,
          time,
          id,
        ),
      ];
    }
    case 'PaymentVoided':
    case 'PaymentHeldForReview':
      return [];
    default:
      assertNever(event);
  }
}
