import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { TestDatabase } from './infra.js';
import { createTestDatabase } from './infra.js';
import { rowsMentioning } from './rows-mentioning.js';

describe('rowsMentioning', () => {
  let database: TestDatabase<unknown>;

  beforeAll(async () => {
    database = await createTestDatabase('mentioning');
    await sql`create table plain (id text primary key, note text)`.execute(database.db);
    await sql`create table "Quoted" (n bigint, payload jsonb, raw bytea)`.execute(database.db);
  });

  afterAll(() => database?.drop());

  it('finds an id in any column of any table, JSON included, and nothing else', async () => {
    const [inKey, inJson, absent] = [randomUUID(), randomUUID(), randomUUID()];
    await sql`insert into plain values (${inKey}, 'x'), ('other', null)`.execute(database.db);
    await sql`insert into "Quoted" values (1, ${JSON.stringify({ order: { id: inJson } })}, '\\x00')`.execute(
      database.db,
    );

    expect(await rowsMentioning(database.db, [absent])).toEqual([]);
    expect(await rowsMentioning(database.db, [inKey, inJson, absent])).toEqual([
      { table: 'Quoted', row: expect.stringContaining(inJson) as string },
      { table: 'plain', row: `(${inKey},x)` },
    ]);
  });
});
