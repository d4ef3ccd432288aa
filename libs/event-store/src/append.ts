import type { Actor, Envelope } from '@tessera/contracts'
import { type Kysely, type Transaction, sql } from 'kysely'
import { v7 as uuidv7 } from 'uuid'
import { assertSchemaName } from './db.ts'
import { ConcurrencyError, type ExpectedVersionLabel } from './errors.ts'
import type { EventStoreTables } from './schema.ts'

/** An event a decider produced, before the log gives it a position. */
export interface NewEvent<T extends string = string, D = unknown> {
  type: T
  data: D
}

/** Context shared by the events of one append: who did it and why. */
export interface AppendContext {
  actor: Actor
  correlationId?: string
  causationId?: string | null
  traceparent?: string | null
  /** Injected clock; defaults to now. */
  now?: Date
  /** Injected id source; defaults to UUIDv7. */
  newId?: () => string
}

/**
 * `number`: the stream must be at exactly that version (0 = must not exist yet).
 * `'no_stream'` is the same as 0. `'any'` appends after whatever is there.
 */
export type ExpectedVersion = ExpectedVersionLabel

export type Db = Kysely<EventStoreTables> | Transaction<EventStoreTables>

interface StoredMeta {
  occurredAt: string
  correlationId: string
  causationId: string | null
  traceparent: string | null
  actor: Actor
}

const UNIQUE_VIOLATION = '23505'
const ANY_RETRIES = 20

/**
 * Appends events to one stream in one statement, checking the expected version in the same
 * statement so two concurrent writers cannot both win. Returns the stored envelopes.
 */
export async function appendToStream(
  db: Db,
  schema: string,
  streamId: string,
  expected: ExpectedVersion,
  events: readonly NewEvent[],
  ctx: AppendContext,
): Promise<Envelope[]> {
  if (events.length === 0) return []
  const newId = ctx.newId ?? uuidv7
  const ids = events.map(() => newId())
  const meta: StoredMeta = {
    occurredAt: (ctx.now ?? new Date()).toISOString(),
    correlationId: ctx.correlationId ?? ids[0]!,
    causationId: ctx.causationId ?? null,
    traceparent: ctx.traceparent ?? null,
    actor: ctx.actor,
  }
  const expectedNum = expected === 'any' ? null : expected === 'no_stream' ? 0 : expected
  for (let attempt = 0; ; attempt++) {
    try {
      const rows = await insertEvents(db, schema, streamId, expectedNum, events, ids, meta)
      if (rows.length === 0) {
        throw new ConcurrencyError(streamId, expected, await streamVersion(db, schema, streamId))
      }
      return rows.map((r, i) => ({
        type: events[i]!.type,
        data: events[i]!.data,
        metadata: {
          eventId: ids[i]!,
          streamId,
          streamVersion: Number(r.stream_version),
          position: r.position,
          ...meta,
        },
      }))
    } catch (err) {
      if (!isUniqueViolation(err)) throw err
      // Someone else took the version between our read and our insert. Inside the caller's
      // transaction the failed insert aborted it: it can answer no more queries, so the
      // conflict is reported as it is and the caller retries the whole transaction.
      if (db.isTransaction) throw new ConcurrencyError(streamId, expected, undefined)
      if (expectedNum !== null || attempt >= ANY_RETRIES) {
        throw new ConcurrencyError(streamId, expected, await streamVersion(db, schema, streamId))
      }
    }
  }
}

async function insertEvents(
  db: Db,
  schema: string,
  streamId: string,
  expected: number | null,
  events: readonly NewEvent[],
  ids: string[],
  meta: StoredMeta,
) {
  const s = sql.id(assertSchemaName(schema))
  const metaJson = JSON.stringify(meta)
  const { rows } = await sql<{ position: string; stream_version: string }>`
    with cur as (
      select coalesce(max(stream_version), 0) as v from ${s}.events where stream_id = ${streamId}
    )
    insert into ${s}.events (stream_id, stream_version, event_id, type, data, metadata)
    select ${streamId}, cur.v + e.ord, e.event_id, e.type, e.data, ${metaJson}::jsonb
    from cur,
      unnest(${ids}::uuid[], ${events.map((e) => e.type)}::text[],
             ${events.map((e) => JSON.stringify(e.data))}::jsonb[])
        with ordinality as e(event_id, type, data, ord)
    where ${expected}::bigint is null or cur.v = ${expected}::bigint
    order by e.ord
    returning position, stream_version`.execute(db)
  return rows.sort((a, b) => Number(a.stream_version) - Number(b.stream_version))
}

/** The stream's current version; 0 when it has no events. */
export async function streamVersion(db: Db, schema: string, streamId: string): Promise<number> {
  const row = await db
    .withSchema(assertSchemaName(schema))
    .selectFrom('events')
    .select((eb) => eb.fn.max('stream_version').as('v'))
    .where('stream_id', '=', streamId)
    .executeTakeFirst()
  return Number(row?.v ?? 0)
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === UNIQUE_VIOLATION
}
