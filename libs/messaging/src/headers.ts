import type { IHeaders } from 'kafkajs';

/** The event catalog's header names (CloudEvents binary binding, W3C trace context). */
export { HeaderNames as Headers } from '@orderflow/events';

/** Headers added to a record when it is dead-lettered (and the one a redrive adds). */
export { DeadLetterHeaderNames as DlqHeaders } from '@orderflow/events';

/** Kafka headers as plain strings (the binary binding only carries string values). */
export function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value === undefined) continue;
    out[name] = typeof value === 'string' ? value : value.toString('utf8');
  }
  return out;
}
