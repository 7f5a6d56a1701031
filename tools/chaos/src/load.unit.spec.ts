import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { driveLoad } from './load.js';
import { planOrders } from './mix.js';

/**
 * The load client against a loopback stand-in for the orders API that loses the answer
 * to the first attempt (the connection drops, as when the service is killed after its
 * commit) and answers the retry as a replay of the same Idempotency-Key: 200.
 */
describe('the chaos load client', () => {
  it('takes a 200 replay of a retried placement as accepted, not as an unexpected answer', async () => {
    const keys: string[] = [];
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      keys.push(String(req.headers['idempotency-key']));
      req.resume();
      req.on('end', () => {
        if (keys.length === 1) {
          req.socket.destroy();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ orderId: 'order-1' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const [order] = planOrders(1, 1);
      const result = await driveLoad({
        orders: [{ ...order!, cancelAfterMs: undefined }],
        durationMs: 0,
        ordersUrl: () => `http://127.0.0.1:${port}`,
        concurrency: 1,
      });
      expect(result).toEqual({
        accepted: ['order-1'],
        refused: [],
        retries: 1,
        cancels: { sent: 0, refused: 0 },
      });
      expect(keys).toHaveLength(2);
      expect(keys[1]).toBe(keys[0]);
    } finally {
      server.close();
    }
  });
});
