import type { Express } from 'express';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { HttpProblem } from './problem.js';

/**
 * Serves `app` on `port` (0: any free port). Requests that Node refuses before they
 * reach the app, a header section over its limit (431) or a malformed request (400),
 * get problem+json as well, not an empty answer.
 */
export async function serve(app: Express, port: number, host: string): Promise<Server> {
  const server = app.listen(port, host);
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // As Node itself does: answer only while no response to this request has started.
    const answering = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (!socket.writable || answering?.headersSent || error.code === 'ECONNRESET') {
      return void socket.destroy();
    }
    const problem =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? new HttpProblem(431, 'Request Header Fields Too Large', 'request headers are too large')
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? new HttpProblem(408, 'Request Timeout', 'the request did not arrive in time')
          : HttpProblem.badRequest('malformed HTTP request');
    const body = JSON.stringify(problem.toJSON());
    socket.end(
      [
        `HTTP/1.1 ${problem.status} ${problem.title}`,
        'Content-Type: application/problem+json',
        `Content-Length: ${Buffer.byteLength(body)}`,
        'Connection: close',
        '',
        body,
      ].join('\r\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return server;
}
