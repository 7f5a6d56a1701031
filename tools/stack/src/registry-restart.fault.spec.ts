import { randomUUID } from 'node:crypto';
import { registry } from './components/registry.js';
import { loadStackConfig } from './config.js';
import { stopDaemon } from './process.js';
import { up } from './stack.js';

/**
 * A record carries the id its schema had when it was written. The registry must keep
 * that id's meaning for as long as Kafka keeps the record: across a restart, and
 * whatever order the services register their schemas in afterwards. An in-memory
 * registry fails this: restarted, it hands out the same ids to other schemas.
 */
describe('the stack registry across a restart', () => {
  const stack = loadStackConfig();
  const url = stack.endpoints.registryUrl;
  const run = randomUUID().slice(0, 8);
  const schema = (name: string) =>
    JSON.stringify({
      type: 'record',
      name,
      namespace: `restart.t${run}`,
      fields: [{ name: 'orderId', type: 'string' }],
    });

  afterAll(async () => {
    await up(stack, ['registry']); // whatever happened, leave the shared stack running
  });

  it('resolves every id it gave out before the restart to the same schema', async () => {
    const before = {
      first: await register(`restart-${run}-first-value`, schema('First')),
      second: await register(`restart-${run}-second-value`, schema('Second')),
    };
    expect(before.first).not.toBe(before.second);

    await stopDaemon(registry(stack).daemon);
    await up(stack, ['registry']);

    // Registered again in the other order, as services starting in another order would.
    expect(await register(`restart-${run}-third-value`, schema('Third'))).not.toBe(before.first);
    expect(await register(`restart-${run}-second-value`, schema('Second'))).toBe(before.second);
    expect(await register(`restart-${run}-first-value`, schema('First'))).toBe(before.first);
    expect(await schemaName(before.first)).toBe('First');
    expect(await schemaName(before.second)).toBe('Second');
  });

  async function register(subject: string, text: string): Promise<number> {
    const response = await fetch(`${url}/subjects/${subject}/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema: text }),
    });
    const body = (await response.json()) as { id?: number };
    expect(response.status).toBe(200);
    return body.id!;
  }

  async function schemaName(id: number): Promise<string> {
    const response = await fetch(`${url}/schemas/ids/${id}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { schema: string };
    return (JSON.parse(body.schema) as { name: string }).name;
  }
});
