import type { TestDatabase } from '@orderflow/testing';
import { sql } from 'kysely';
import { messagingDatabase } from '../test-support/fixtures.js';
import type { MessagingTables } from '../types.js';
import { pruneInbox, recordInInbox } from './inbox.js';

describe('inbox', () => {
  let database: TestDatabase<MessagingTables>;
  beforeAll(async () => {
    database = await messagingDatabase('inbox');
  });
  afterAll(() => database?.drop());

  it('records a message id once per consumer', async () => {
    const { db } = database;
    expect(await recordInInbox(db, 'payments', 'm-1')).toBe(true);
    expect(await recordInInbox(db, 'payments', 'm-1')).toBe(false);
    expect(await recordInInbox(db, 'shipping', 'm-1')).toBe(true);
  });

  it('prunes only the entries older than the retention', async () => {
    const { db } = database;
    await db
      .insertInto('inbox')
      .values([
        {
          consumer: 'orders',
          message_id: 'old',
          received_at: sql<Date>`now() - interval '15 days'`,
        },
        {
          consumer: 'orders',
          message_id: 'recent',
          received_at: sql<Date>`now() - interval '13 days'`,
        },
      ])
      .execute();
    expect(await pruneInbox(db, 14)).toBe(1);
    const left = await db
      .selectFrom('inbox')
      .select('message_id')
      .where('consumer', '=', 'orders')
      .execute();
    expect(left).toEqual([{ message_id: 'recent' }]);
    // A pruned id is new again: hence a retention far above any redelivery window.
    expect(await recordInInbox(db, 'orders', 'old')).toBe(true);
  });
});
