/**
 * A named moment at which a fault test may kill this process: with
 * ORDERFLOW_CRASH_AT=<name> set, the process SIGKILLs itself the first time it gets
 * there (no cleanup, no flush: exactly what a power cut or an OOM kill leaves). Unset,
 * or set to another name, it does nothing. The chaos runner uses it to land a kill
 * between two steps that must not be separable: commit and send, send and delete,
 * handling and commit, commit and the offset commit, SMTP and marking SENT.
 */
const armed = process.env['ORDERFLOW_CRASH_AT'];

export function crashPoint(name: string): void {
  if (armed === name) process.kill(process.pid, 'SIGKILL');
}
