import type { Envelope, EventMetadata } from '@tessera/contracts'
import { sql } from 'kysely'
import type { Db } from './append.ts'
import { assertSchemaName } from './db.ts'
import type { EventRow } from './schema.ts'

/**
 * A reader's place in the log. Readers walk in (transaction_id, position) order because
 * positions from a sequence commit out of order; see {@link readAll}.
 */
export interface LogCheckpoint {
  transactionId: string
  position: string
}

export const LOG_START: LogCheckpoint = { transactionId: '0', position: '0' }

export interface StoredEnvelope extends Envelope {
  /** The checkpoint a reader stores after handling this event. */
  checkpoint: LogCheckpoint
}

/** Events of one stream in version order, from `fromVersion` (inclusive). */
export async function readStream(
  db: Db,
  schema: string,
  streamId: string,
  fromVersion = 1,
): Promise<StoredEnvelope[]> {
  const rows = await db
    .withSchema(assertSchemaName(schema))
    .selectFrom('events')
    .selectAll()
    .where('stream_id', '=', streamId)
    .where('stream_version', '>=', String(fromVersion))
    .orderBy('stream_version')
    .execute()
  return rows.map(toEnvelope)
}

/** The events of each of these streams, in version order, keyed by stream id (one query). */
export async function readStreams(
  db: Db,
  schema: string,
  streamIds: readonly string[],
): Promise<Map<string, StoredEnvelope[]>> {
  const out = new Map<string, StoredEnvelope[]>(streamIds.map((id) => [id, []]))
  if (streamIds.length === 0) return out
  const s = sql.id(assertSchemaName(schema))
  const { rows } = await sql<EventRow>`select * from ${s}.events
    where stream_id = any(${[...streamIds]}::text[]) order by stream_id, stream_version`.execute(db)
  for (const row of rows) out.get(row.stream_id)?.push(toEnvelope(row))
  return out
}

/**
 * The next events after `after`, in commit-safe order, never skipping one.
 *
 * A row is returned only once every transaction that could still commit a row before it has
 * finished: `transaction_id < pg_snapshot_xmin(pg_current_snapshot())`. Transactions below the
 * snapshot's xmin are all complete, and any transaction that has not yet written gets a larger
 * id, so nothing can later appear behind the returned checkpoint.
 */
export async function readAll(
  db: Db,
  schema: string,
  after: LogCheckpoint,
  limit: number,
): Promise<StoredEnvelope[]> {
  const s = sql.id(assertSchemaName(schema))
  const { rows } = await sql<EventRow>`
    select e.position, e.transaction_id::text as transaction_id, e.stream_id, e.stream_version,
           e.event_id, e.type, e.data, e.metadata, e.recorded_at
    from ${s}.events e
    where (e.transaction_id, e.position) > (${after.transactionId}::xid8, ${after.position}::bigint)
      and e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
    -- Qualified on purpose: a bare name would sort by the text alias above, lexically.
    order by e.transaction_id, e.position
    limit ${limit}`.execute(db)
  return rows.map(toEnvelope)
}

/** Highest position written so far (committed or not); for progress reporting only. */
export async function headPosition(db: Db, schema: string): Promise<string> {
  const s = sql.id(assertSchemaName(schema))
  const { rows } = await sql<{
    p: string | null
  }>`select max(position) as p from ${s}.events`.execute(db)
  return rows[0]?.p ?? '0'
}

/** The one place a row becomes a domain envelope. */
export function toEnvelope(row: EventRow): StoredEnvelope {
  const stored = row.metadata as Omit<
    EventMetadata,
    'eventId' | 'streamId' | 'streamVersion' | 'position'
  >
  return {
    type: row.type,
    data: row.data,
    metadata: {
      ...stored,
      eventId: row.event_id,
      streamId: row.stream_id,
      streamVersion: Number(row.stream_version),
      position: row.position,
    },
    checkpoint: { transactionId: String(row.transaction_id), position: row.position },
  }
}
