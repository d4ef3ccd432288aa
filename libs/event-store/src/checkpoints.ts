import { sql } from 'kysely'
import type { Db } from './append.ts'
import { assertSchemaName } from './db.ts'
import { LOG_START, type LogCheckpoint } from './read.ts'

/** A named reader's stored place in this schema's log. */
export async function loadCheckpoint(db: Db, schema: string, name: string): Promise<LogCheckpoint> {
  const s = sql.id(assertSchemaName(schema))
  const { rows } = await sql<{ transaction_id: string; position: string }>`
    select transaction_id::text as transaction_id, position from ${s}.checkpoints
    where name = ${name}`.execute(db)
  const row = rows[0]
  return row ? { transactionId: row.transaction_id, position: row.position } : LOG_START
}

/** Stores a reader's place; call it in the same transaction as the work it covers. */
export async function saveCheckpoint(
  db: Db,
  schema: string,
  name: string,
  at: LogCheckpoint,
): Promise<void> {
  const s = sql.id(assertSchemaName(schema))
  await sql`
    insert into ${s}.checkpoints (name, transaction_id, position, updated_at)
    values (${name}, ${at.transactionId}::xid8, ${at.position}, now())
    on conflict (name) do update
      set transaction_id = excluded.transaction_id, position = excluded.position,
          updated_at = now()
      -- A checkpoint only moves forward, whoever writes it.
      where (${s}.checkpoints.transaction_id, ${s}.checkpoints.position)
          < (excluded.transaction_id, excluded.position)`.execute(db)
}
