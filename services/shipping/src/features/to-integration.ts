import { assertNever } from '@orderflow/decider';
import type { RecordedEvent } from '@orderflow/messaging';
import type { Causation, EventPublisher } from '@orderflow/platform';
import type { ShipmentEvent } from '../domain/shipment.js';

/**
 * Domain to contract. The notes (order, payment, cancellation) are shipping's own
 * bookkeeping of facts other services published; only decisions go out. The domain
 * event's id and time become the message's ce_id and ce_time.
 */
export function toIntegration(
  publisher: EventPublisher,
  recorded: RecordedEvent<ShipmentEvent>,
  causation: Causation,
) {
  const event: ShipmentEvent = recorded;
  const { eventId: id, recordedAt: time } = recorded;
  switch (event.type) {
    case 'ShipmentScheduled': {
      const { orderId, shipmentId, lines, carrier, eta } = event.data;
      const data = { orderId, shipmentId, items: lines, carrier, eta: new Date(eta) };
      return [publisher.message('ShipmentScheduled', data, causation, time, id)];
    }
    case 'ShipmentFailed': {
      const { orderId, reason, detail } = event.data;
      return [
        publisher.message('ShipmentFailed', { orderId, reason, detail }, causation, time, id),
      ];
    }
    case 'ShipmentCancelled': {
      const { orderId, shipmentId } = event.data;
      return [publisher.message('ShipmentCancelled', { orderId, shipmentId }, causation, time, id)];
    }
    case 'OrderNoted':
    case 'PaymentNoted':
    case 'CancellationNoted':
      return [];
    default:
      assertNever(event);
  }
}
