import type { Kysely } from 'kysely';
import { sql } from 'kysely';

export interface MentioningRow {
  table: string;
  /** The whole row as Postgres prints it. */
  row: string;
}

/**
 * Every row, in every table of the database's schema, that mentions one of `markers`
 * (order ids, event ids) in any column. For tests that must show that a record changed
 * nothing: no inbox entry, no event, no view row, no outbox row, nothing a table added
 * later would hold either. Columns are compared as text, so an id inside JSON counts;
 * Avro bytes (bytea) do not, but the outbox row that holds them also has the key.
 */
export async function rowsMentioning(
  db: Kysely<unknown>,
  markers: readonly string[],
): Promise<MentioningRow[]> {
  const { rows: tables } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE'
    order by table_name collate "C"`.execute(db);
  const found: MentioningRow[] = [];
  for (const { name } of tables) {
    const { rows } = await sql<{ row: string }>`
      select t::text as row from ${sql.table(name)} t
      where exists (select 1 from unnest(${[...markers]}::text[]) m where strpos(t::text, m) > 0)
    `.execute(db);
    found.push(...rows.map(({ row }) => ({ table: name, row })));
  }
  return found;
}
