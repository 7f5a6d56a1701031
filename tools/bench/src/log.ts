/**
 * Progress on stderr, each line with the time since the bench started, so a long
 * window never looks like a hang and stdout stays free for the final table.
 */
const startedAt = Date.now();

export function elapsed(): string {
  const s = Math.round((Date.now() - startedAt) / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function log(scope: string, message: string): void {
  process.stderr.write(`[${elapsed()}] ${scope.padEnd(10)} ${message}\n`);
}

export type Log = (message: string) => void;

export function scoped(scope: string): Log {
  return (message) => log(scope, message);
}

/** Repeats a progress line while something slow runs; call the result to stop. */
export function heartbeat(log: Log, message: () => string, everyMs = 10_000): () => void {
  const started = Date.now();
  const timer = setInterval(
    () => log(`  ${message()} (${Math.round((Date.now() - started) / 1000)} s)`),
    everyMs,
  );
  return () => clearInterval(timer);
}

/** Rounds for display: 3 significant digits, no exponent. */
export function fmt(value: number | undefined, digits = 3): string {
  if (value === undefined || !Number.isFinite(value)) return 'n/a';
  if (value === 0) return '0';
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const decimals = Math.max(0, digits - 1 - magnitude);
  return value.toLocaleString('en-US', { maximumFractionDigits: decimals, useGrouping: true });
}
