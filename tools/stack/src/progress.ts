/** One line per event, prefixed with the component, on stderr so stdout stays parseable. */
export function progress(component: string, message: string): void {
  const time = new Date().toISOString().slice(11, 19);
  process.stderr.write(`${time} [${component}] ${message}\n`);
}

/** Raised for problems the user can fix; the CLI prints the message alone, without a stack. */
export class StackError extends Error {
  override readonly name = 'StackError';
}
