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
  const ids = newIds(events, ctx)
  const meta = storedMeta(ctx, ids)
  const expectedNum = expectedNumber(expected)
  for (let attempt = 0; ; attempt++) {
    try {
      const rows = await insertEvents(db, schema, streamId, expectedNum, events, ids, meta)
      if (rows.length === 0) {
        throw new ConcurrencyError(streamId, expected, await streamVersion(db, schema, streamId))
      }
      return rows.map((r, i) => envelope(events[i]!, ids[i]!, streamId, r, meta))
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

/** One stream's share of {@link appendToStreams}. */
export interface StreamAppend {
  streamId: string
  expected: ExpectedVersion
  events: readonly NewEvent[]
  ctx: AppendContext
}

/**
 * Appends to several streams in one statement, each at its own expected version, with its own
 * context: the write of a group commit, where one round trip serves many commands. All or
 * nothing: when any stream moved past its expected version nothing is kept (the caller's
 * transaction is rolled back) and a {@link ConcurrencyError} names the first such stream.
 * Only inside a transaction, since a partial insert must not commit; not one stream twice.
 * `'any'` appends after whatever the stream holds, with no retry (as `appendToStream` in a
 * transaction): a writer racing for the same stream makes it a {@link ConcurrencyError}.
 * Answers each append's envelopes.
 */
export async function appendToStreams(
  tx: Db,
  schema: string,
  appends: readonly StreamAppend[],
): Promise<Envelope[][]> {
  const rows: {
    streamId: string
    /** null: 'any' */
    expected: number | null
    id: string
    event: NewEvent
    meta: StoredMeta
  }[] = []
  if (!tx.isTransaction) throw new Error('appendToStreams: only inside a transaction')
  const streams = new Set<string>()
  for (const a of appends) {
    if (streams.has(a.streamId)) throw new Error(`appendToStreams: ${a.streamId} twice`)
    streams.add(a.streamId)
    const ids = newIds(a.events, a.ctx)
    const meta = storedMeta(a.ctx, ids)
    a.events.forEach((event, i) =>
      rows.push({
        streamId: a.streamId,
        expected: expectedNumber(a.expected),
        id: ids[i]!,
        event,
        meta,
      }),
    )
  }
  if (rows.length === 0) return appends.map(() => [])
  const s = sql.id(assertSchemaName(schema))
  let inserted: { position: string; stream_version: string; event_id: string }[]
  try {
    ;({ rows: inserted } = await sql<{
      position: string
      stream_version: string
      event_id: string
    }>`
      with input as (
        select * from unnest(${rows.map((r) => r.streamId)}::text[],
            ${rows.map((r) => r.expected)}::bigint[], ${rows.map((r) => r.id)}::uuid[],
            ${rows.map((r) => r.event.type)}::text[],
            ${rows.map((r) => JSON.stringify(r.event.data))}::jsonb[],
            ${rows.map((r) => JSON.stringify(r.meta))}::jsonb[])
          with ordinality as i(stream_id, expected, event_id, type, data, metadata, idx)
      ),
      cur as (
        select d.stream_id, coalesce((select max(e.stream_version) from ${s}.events e
          where e.stream_id = d.stream_id), 0) as v
        from (select distinct stream_id from input) d
      )
      insert into ${s}.events (stream_id, stream_version, event_id, type, data, metadata)
      select i.stream_id,
        cur.v + row_number() over (partition by i.stream_id order by i.idx),
        i.event_id, i.type, i.data, i.metadata
      from input i join cur on cur.stream_id = i.stream_id
      where i.expected is null or cur.v = i.expected
      order by i.idx
      returning position, stream_version, event_id`.execute(tx))
  } catch (err) {
    if (!isUniqueViolation(err)) throw err
    inserted = []
  }
  const byId = new Map(inserted.map((r) => [r.event_id, r]))
  const missing = rows.find((r) => !byId.has(r.id))
  if (missing) throw new ConcurrencyError(missing.streamId, missing.expected ?? 'any', undefined)
  let next = 0
  return appends.map((a) =>
    a.events.map(() => {
      const r = rows[next++]!
      return envelope(r.event, r.id, r.streamId, byId.get(r.id)!, r.meta)
    }),
  )
}

function newIds(events: readonly NewEvent[], ctx: AppendContext): string[] {
  const newId = ctx.newId ?? uuidv7
  return events.map(() => newId())
}

function storedMeta(ctx: AppendContext, ids: readonly string[]): StoredMeta {
  return {
    occurredAt: (ctx.now ?? new Date()).toISOString(),
    correlationId: ctx.correlationId ?? ids[0]!,
    causationId: ctx.causationId ?? null,
    traceparent: ctx.traceparent ?? null,
    actor: ctx.actor,
  }
}

function expectedNumber(expected: ExpectedVersion): number | null {
  return expected === 'any' ? null : expected === 'no_stream' ? 0 : expected
}

function envelope(
  event: NewEvent,
  eventId: string,
  streamId: string,
  row: { position: string; stream_version: string },
  meta: StoredMeta,
): Envelope {
  return {
    type: event.type,
    data: event.data,
    metadata: {
      eventId,
      streamId,
      streamVersion: Number(row.stream_version),
      position: row.position,
      ...meta,
    },
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
