import type { Registry } from 'prom-client';
import { Counter } from 'prom-client';

/** Registered in the service's registry; reused if a second sender runs in the process. */
export function sendMetrics(registry: Registry) {
  // A metric of this name in this registry was registered here, so it is this Counter.
  const counter = (name: string, help: string) =>
    (registry.getSingleMetric(name) as Counter<'kind'> | undefined) ??
    new Counter({ name, help, labelNames: ['kind'] as const, registers: [registry] });
  return {
    sent: counter('notifications_sent_total', 'E-mails accepted by SMTP and marked SENT'),
    failures: counter(
      'notification_send_failures_total',
      'SMTP attempts that failed; the notification stays PENDING and is retried',
    ),
  };
}
