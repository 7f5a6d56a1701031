import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunningService } from '@orderflow/platform/testing';
import { startServiceForTest } from '@orderflow/platform/testing';
import { startOrders } from './app.js';

// Jest runs this file as CommonJS, where __dirname is defined.
const generated = path.resolve(__dirname, '../../../libs/events/src/generated/asyncapi.json');

/** The orders service in-process against the real stack, serving the event contract. */
describe('orders serves the AsyncAPI document', () => {
  let service: RunningService;

  beforeAll(async () => {
    service = await startServiceForTest('orders', startOrders, {
      ADMISSION_CONTROL: false,
      ADMISSION_MIN_IN_FLIGHT: 100,
      ADMISSION_SAMPLE_MS: 250,
      SAGA_DEADLINE_MS: 600_000,
      SAGA_DEADLINE_SCAN_MS: 1_000,
    });
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('answers GET /asyncapi.json with the generated contract of every service', async () => {
    const res = await fetch(`${service.baseUrl}/asyncapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as {
      asyncapi: string;
      channels: Record<string, { address: string }>;
      operations: Record<string, { action: string }>;
    };
    expect(body).toEqual(JSON.parse(await readFile(generated, 'utf8')));
    expect(body.asyncapi).toBe('3.0.0');
    expect(Object.values(body.channels).map((c) => c.address)).toContain('orders.events.dlq');
    expect(body.operations['paymentsConsumesOrders']?.action).toBe('receive');
  });
});
