/** Progress on stderr, one line per event, so stdout keeps only the result table. */
export function log(component: string, message: string): void {
  const time = new Date().toISOString().slice(11, 19);
  process.stderr.write(`${time} [${component}] ${message}\n`);
}
