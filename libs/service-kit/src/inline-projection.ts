import { type RawBuilder, sql } from 'kysely'
import type { Envelope } from '@tessera/contracts'
import { type SchemaDb, type SchemaTx, assertSchemaName, toEnvelope } from '@tessera/event-store'
import type { EventRow } from '@tessera/event-store'

/**
 * A read model written from the service's own log in the same transaction as the append
 * (Emmett's and Marten's "inline" projections): the tables can never lag nor diverge from
 * the events, and {@link rebuildInlineProjection} replays the same `evolve` from position 0.
 *
 * Every value `evolve` writes comes from the event (its data or its metadata), never from the
 * clock or from another source the log does not hold, so a replay writes the same rows.
 */
export interface InlineProjection {
  /** `sessions`: what `npm run rebuild -- <service> <name>` calls it. */
  name: string
  /** The tables it owns: emptied by the default reset and locked while it rebuilds. */
  tables: readonly string[]
  /** The event types `evolve` is called for. */
  handles: readonly string[]
  /** Turns one stored event into SQL, in the appending (or rebuilding) transaction. */
  evolve(tx: SchemaTx, schema: string, event: Envelope): Promise<void>
  /**
   * Optional: writes several events at once (a group commit's), to the same rows `evolve`
   * one by one would leave. Without it each event goes through `evolve`.
   */
  evolveMany?(tx: SchemaTx, schema: string, events: readonly Envelope[]): Promise<void>
  /**
   * Empties the tables before a rebuild; by default `delete from` each, so row triggers (the
   * guard cache's NOTIFY) fire as they do for live writes, which `truncate` would skip.
   */
  reset?(tx: SchemaTx, schema: string): Promise<void>
}

/** How one event type is written: its contract validates the data, then `write` runs. */
export interface InlineHandler {
  apply(tx: SchemaTx, s: RawBuilder<unknown>, event: Envelope): Promise<void>
}

/**
 * The handler of one event type: `s` is the service's schema as an SQL identifier, `data` the
 * event's data as its contract parses it, `event` the whole envelope (its metadata's times).
 */
export function onEvent<T>(
  contract: { parse(data: unknown): T },
  write: (tx: SchemaTx, s: RawBuilder<unknown>, data: T, event: Envelope) => Promise<unknown>,
): InlineHandler {
  return {
    async apply(tx, s, event) {
      await write(tx, s, contract.parse(event.data), event)
    },
  }
}

/** An inline projection from one handler per event type it reads. */
export function inlineProjection(def: {
  name: string
  tables: readonly string[]
  on: Record<string, InlineHandler>
  reset?: InlineProjection['reset']
}): InlineProjection {
  const handlers = new Map(Object.entries(def.on))
  return {
    name: def.name,
    tables: def.tables,
    handles: [...handlers.keys()],
    async evolve(tx, schema, event) {
      await handlers.get(event.type)?.apply(tx, sql.id(schema), event)
    },
    ...(def.reset ? { reset: def.reset } : {}),
  }
}

/** Applies every projection that handles `event`'s type, in registration order. */
export async function applyInline(
  projections: readonly InlineProjection[],
  tx: SchemaTx,
  schema: string,
  event: Envelope,
): Promise<void> {
  for (const p of projections) {
    if (p.handles.includes(event.type)) await p.evolve(tx, schema, event)
  }
}

/**
 * Applies every projection to the events it handles, projection by projection in
 * registration order (so one projection must not read another's rows of the same batch),
 * each in one `evolveMany` where it has one.
 */
export async function applyInlineMany(
  projections: readonly InlineProjection[],
  tx: SchemaTx,
  schema: string,
  events: readonly Envelope[],
): Promise<void> {
  for (const p of projections) {
    const mine = events.filter((e) => p.handles.includes(e.type))
    if (mine.length === 0) continue
    if (p.evolveMany) await p.evolveMany(tx, schema, mine)
    else for (const e of mine) await p.evolve(tx, schema, e)
  }
}

export interface InlineRebuildProgress {
  projection: string
  applied: number
  total: number
  eventsPerSecond: number
}

export interface InlineRebuildResult {
  projection: string
  eventsApplied: number
  durationMs: number
}

const PAGE = 1000

/**
 * Rebuilds one inline projection in one transaction: locks its tables against writers (readers
 * keep the old rows until commit), resets them, and replays the service's events table in
 * global position order through `evolve`. A writer blocked on the lock commits after, onto the
 * rebuilt tables; one that committed before is in the replay.
 */
export async function rebuildInlineProjection(opts: {
  db: SchemaDb
  schema: string
  projection: InlineProjection
  onProgress?: (p: InlineRebuildProgress) => void
}): Promise<InlineRebuildResult> {
  const { db, projection } = opts
  const schema = assertSchemaName(opts.schema)
  const s = sql.id(schema)
  const started = Date.now()
  return db.transaction().execute(async (tx) => {
    for (const table of projection.tables) {
      await sql`lock table ${s}.${sql.id(table)} in exclusive mode`.execute(tx)
    }
    await (projection.reset ?? deleteAll(projection.tables))(tx, schema)
    const types = [...projection.handles]
    const { rows: counted } = await sql<{ n: string }>`select count(*) as n from ${s}.events
      where type = any(${types})`.execute(tx)
    const total = Number(counted[0]?.n ?? 0)
    let applied = 0
    let after = '0'
    for (;;) {
      const { rows } = await sql<EventRow>`select position, transaction_id::text as transaction_id,
          stream_id, stream_version, event_id, type, data, metadata, recorded_at
        from ${s}.events where type = any(${types}) and position > ${after}::bigint
        order by position limit ${PAGE}`.execute(tx)
      for (const row of rows) {
        await projection.evolve(tx, schema, toEnvelope(row))
        applied++
      }
      const last = rows.at(-1)
      if (!last) break
      after = last.position
      const seconds = (Date.now() - started) / 1000
      opts.onProgress?.({
        projection: projection.name,
        applied,
        total,
        eventsPerSecond: Math.round(applied / Math.max(seconds, 0.001)),
      })
    }
    return { projection: projection.name, eventsApplied: applied, durationMs: Date.now() - started }
  })
}

function deleteAll(tables: readonly string[]) {
  return async (tx: SchemaTx, schema: string) => {
    for (const table of tables) {
      await sql`delete from ${sql.id(schema)}.${sql.id(table)}`.execute(tx)
    }
  }
}
