/**
 * Foundation benchmarks: event-store appends, the outbox relay and projection catch-up, each
 * figure beside the raw Postgres or JetStream operation it is built on, measured in the same
 * run. One JSON document goes to stdout; progress goes to stderr. See bench/README.md.
 *
 *   npx tsx bench/foundation.bench.ts [--events N] [--catchup N] [--help]
 */
import os from 'node:os'
import { performance } from 'node:perf_hooks'
import pg from 'pg'
import { type Kysely, sql } from 'kysely'
import { v7 as uuidv7 } from 'uuid'
import { headers } from '@nats-io/nats-core'
import { type JetStreamClient, jetstream, jetstreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import {
  type Actor,
  type AnyEnvelope,
  HEADERS,
  type Context,
  eventSubject,
  streamName,
} from '@tessera/contracts'
import {
  type EventStoreTables,
  LOG_START,
  type StoredEnvelope,
  appendToStream,
  createDb,
  eventLogMigrations,
  migrateSchema,
  readAll,
} from '@tessera/event-store'
import {
  type BusLogger,
  connectBus,
  deleteStreams,
  provisionStreams,
  startOutboxRelay,
} from '@tessera/bus'
import {
  type Projection,
  projectionMigrations,
  projectionStatus,
  rebuildProjection,
  runProjection,
} from '@tessera/projections'
import { testDatabaseUrl, testNatsUrl, uniqueTag } from '@tessera/testing'

// ---------------------------------------------------------------- parameters

const OPTIONS = {
  events: { env: 'BENCH_EVENTS', def: 100_000, help: 'cap per append run; the relay backlog' },
  seconds: { env: 'BENCH_SECONDS', def: 10, help: 'time cap per append run' },
  concurrency: { env: 'BENCH_CONCURRENCY', def: 16, help: 'concurrent appenders (K)' },
  batch: { env: 'BENCH_BATCH', def: 100, help: 'events per appendToStream call in 1b' },
  'raw-rows': { env: 'BENCH_RAW_ROWS', def: 500, help: 'rows per raw multi-row INSERT' },
  window: { env: 'BENCH_WINDOW', def: 1000, help: 'raw JetStream publish ack window' },
  catchup: { env: 'BENCH_CATCHUP', def: 1_000_000, help: 'events in the catch-up backlog' },
  streams: { env: 'BENCH_STREAMS', def: 1000, help: 'distinct stream ids in the backlog' },
  'live-seconds': {
    env: 'BENCH_LIVE_SECONDS',
    def: 30,
    help: 'time cap of live catch-up (0 skips)',
  },
  'noop-rebuild': {
    env: 'BENCH_NOOP_REBUILD',
    def: 1,
    help: '1 = also rebuild a no-op projection',
  },
} as const
type Params = Record<keyof typeof OPTIONS, number>

function parseParams(argv: string[]): Params {
  const given = new Map<string, string>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--help' || arg === '-h') {
      const lines = Object.entries(OPTIONS).map(
        ([k, o]) => `  --${k.padEnd(13)} ${String(o.def).padStart(8)}  ${o.help} (env ${o.env})`,
      )
      process.stderr.write(
        `usage: npx tsx bench/foundation.bench.ts [options]\n${lines.join('\n')}\n`,
      )
      process.exit(0)
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg)
    if (!m || !(m[1]! in OPTIONS)) throw new Error(`unknown argument ${arg}; try --help`)
    given.set(m[1]!, m[2] ?? argv[++i] ?? '')
  }
  const out = {} as Params
  for (const [key, o] of Object.entries(OPTIONS) as [
    keyof Params,
    (typeof OPTIONS)[keyof Params],
  ][]) {
    const raw = given.get(key) ?? process.env[o.env]
    const n = raw === undefined ? o.def : Number(raw.replace(/_/g, ''))
    if (!Number.isInteger(n) || n < 0)
      throw new Error(`--${key} must be a whole number, got ${raw}`)
    out[key] = n
  }
  if (
    out.concurrency < 1 ||
    out.batch < 1 ||
    out['raw-rows'] < 1 ||
    out.window < 1 ||
    out.streams < 1
  ) {
    throw new Error('--concurrency, --batch, --raw-rows, --window and --streams must be at least 1')
  }
  return out
}

// ---------------------------------------------------------------- measuring and reporting

interface Rate {
  value: number
  unit: string
}
interface Baseline extends Rate {
  what: string
}
interface Figure extends Rate {
  baseline: Baseline
  /** value / baseline.value: 1 means the library runs at the raw operation's speed. */
  ratio: number
  [detail: string]: unknown
}

const round = (n: number, digits = 0) => Number(n.toFixed(digits))
const perSecond = (events: number, seconds: number): Rate => ({
  value: round(events / seconds),
  unit: 'events/s',
})

function figure(lib: Rate, baseline: Baseline, detail: Record<string, unknown> = {}): Figure {
  return { ...lib, baseline, ratio: round(lib.value / baseline.value, 3), ...detail }
}

function progress(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`)
}

function describe(o: object): string {
  const err = (o as { err?: unknown }).err
  return err instanceof Error ? err.message : JSON.stringify(o)
}
const busLog: BusLogger = {
  info: (o, m) => progress(`info: ${m ?? ''} ${describe(o)}`),
  warn: (o, m) => progress(`warn: ${m ?? ''} ${describe(o)}`),
  error: (o, m) => progress(`error: ${m ?? ''} ${describe(o)}`),
}

interface Run {
  events: number
  seconds: number
}

/**
 * Runs `workers` loops of `step` until `seconds` pass or `maxEvents` are done. A step returns
 * how many events it handled; 0 ends that worker.
 */
async function saturate(
  workers: number,
  seconds: number,
  maxEvents: number,
  step: (worker: number) => Promise<number>,
): Promise<Run> {
  const started = performance.now()
  const deadline = started + seconds * 1000
  let events = 0
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      while (performance.now() < deadline && events < maxEvents) {
        const n = await step(w)
        if (n === 0) break
        events += n
      }
    }),
  )
  return { events, seconds: (performance.now() - started) / 1000 }
}

async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const started = performance.now()
  const result = await fn()
  return { result, seconds: (performance.now() - started) / 1000 }
}

/** Calls `every` each `ms` while `fn` runs: progress for the long phases. */
async function ticking<T>(ms: number, every: () => void, fn: () => Promise<T>): Promise<T> {
  const t = setInterval(every, ms)
  try {
    return await fn()
  } finally {
    clearInterval(t)
  }
}

// ---------------------------------------------------------------- payloads

const actor: Actor = { kind: 'system', id: 'bench' }
const EVENT_TYPE = 'BenchCounted'

/** Event data of a typical small domain event (~110 bytes of JSON). */
function eventData(seq: number) {
  return {
    orgId: 'org_01JBENCH0000000000000000',
    seq,
    amount: String(1_250_000 + (seq % 997)),
    memo: 'bench',
  }
}

/** The metadata appendToStream stores beside each row, for the raw baseline rows. */
function storedMetaJson(): string {
  return JSON.stringify({
    occurredAt: new Date().toISOString(),
    correlationId: uuidv7(),
    causationId: null,
    traceparent: null,
    actor,
  })
}

/** A complete, contract-valid envelope for the n-th (0-based) event of the catch-up backlog. */
function backlogEnvelope(n: number, streams: number): AnyEnvelope {
  const id = uuidv7()
  return {
    type: EVENT_TYPE,
    data: eventData(n),
    metadata: {
      eventId: id,
      streamId: `acct-${n % streams}`,
      streamVersion: Math.floor(n / streams) + 1,
      position: String(n + 1),
      occurredAt: new Date().toISOString(),
      correlationId: id,
      causationId: null,
      traceparent: null,
      actor,
    },
  }
}

// ---------------------------------------------------------------- the environment

interface Env {
  p: Params
  tag: string
  prefix: string
  nc: NatsConnection
  js: JetStreamClient
  /** Raw pg pool for the baselines: no kysely, no library code. */
  raw: pg.Pool
  db: Kysely<EventStoreTables>
  schemas: { log: string; relay: string; proj: string }
}

async function setUp(p: Params): Promise<Env> {
  const tag = uniqueTag()
  const schemas = {
    log: `bench_${tag}_log`,
    relay: `bench_${tag}_relay`,
    proj: `bench_${tag}_proj`,
  }
  const prefix = `BENCH${tag.toUpperCase()}_`
  const pool = p.concurrency + 2
  const db = createDb<EventStoreTables>({
    connectionString: testDatabaseUrl(),
    max: pool,
    applicationName: 'tessera-bench',
  })
  const raw = new pg.Pool({
    connectionString: testDatabaseUrl(),
    max: pool,
    application_name: 'tessera-bench-raw',
  })
  const nc = await connectBus({ url: testNatsUrl(), name: 'tessera-bench' })
  const env: Env = { p, tag, prefix, nc, js: jetstream(nc), raw, db, schemas }
  cleanups.push(async () => {
    await deleteStreams(nc, prefix)
    for (const s of Object.values(schemas)) await raw.query(`drop schema if exists "${s}" cascade`)
    await nc.close()
    await db.destroy()
    await raw.end()
  })
  await migrateSchema(db, schemas.log, eventLogMigrations(schemas.log))
  await migrateSchema(db, schemas.relay, eventLogMigrations(schemas.relay))
  await migrateSchema(db, schemas.proj, projectionMigrations(schemas.proj))
  // Plain tables for the raw baselines; raw_notify carries the events table's NOTIFY trigger
  // and nothing else, to show what that trigger alone costs.
  for (const table of ['raw_rows', 'raw_notify']) {
    await raw.query(`
      create table "${schemas.log}".${table} (
        id bigint generated always as identity primary key,
        stream_id text not null, stream_version bigint not null, event_id uuid not null,
        type text not null, data jsonb not null, metadata jsonb not null,
        recorded_at timestamptz not null default now())`)
  }
  await raw.query(`
    create function "${schemas.log}".raw_notify() returns trigger language plpgsql as $$
    begin perform pg_notify('${schemas.log}_raw', ''); return null; end $$`)
  await raw.query(`
    create trigger raw_notify after insert on "${schemas.log}".raw_notify
    for each statement execute function "${schemas.log}".raw_notify()`)
  for (const t of ['counters_rebuild', 'counters_live']) {
    await raw.query(`create table "${schemas.proj}".${t} (
      stream_id text primary key, events bigint not null, last_version bigint not null)`)
  }
  await provisionStreams(nc, prefix)
  progress(`schemas ${Object.values(schemas).join(', ')}; stream prefix ${prefix}`)
  return env
}

const cleanups: (() => Promise<void>)[] = []
async function cleanUp(): Promise<void> {
  for (const fn of cleanups.splice(0).reverse()) {
    await fn().catch((err: unknown) => progress(`cleanup failed: ${String(err)}`))
  }
}

// ---------------------------------------------------------------- 1. appends

const rawSqlCache = new Map<string, string>()
function rawInsertSql(schema: string, rows: number, table = 'raw_rows'): string {
  const key = `${schema}.${table}:${rows}`
  let text = rawSqlCache.get(key)
  if (!text) {
    const values = Array.from(
      { length: rows },
      (_, r) =>
        `($${r * 6 + 1},$${r * 6 + 2},$${r * 6 + 3},$${r * 6 + 4},$${r * 6 + 5},$${r * 6 + 6})`,
    )
    text = `insert into "${schema}".${table} (stream_id, stream_version, event_id, type, data, metadata) values ${values.join(',')}`
    rawSqlCache.set(key, text)
  }
  return text
}

let seq = 0
function rawRows(streamId: string, fromVersion: number, rows: number): unknown[] {
  const meta = storedMetaJson()
  const params: unknown[] = []
  for (let r = 0; r < rows; r++) {
    params.push(
      streamId,
      fromVersion + r,
      uuidv7(),
      EVENT_TYPE,
      JSON.stringify(eventData(seq++)),
      meta,
    )
  }
  return params
}

function newEvents(n: number) {
  return Array.from({ length: n }, () => ({ type: EVENT_TYPE, data: eventData(seq++) }))
}

/**
 * Samples what the given application's active Postgres sessions wait on while `fn` runs, as
 * shares of all samples: evidence for where an append's time goes.
 */
async function sampleWaits<T>(app: string, fn: () => Promise<T>) {
  const client = new pg.Client({
    connectionString: testDatabaseUrl(),
    application_name: 'tessera-bench-sampler',
  })
  await client.connect()
  const counts = new Map<string, number>()
  let samples = 0
  let running = true
  const sampler = (async () => {
    while (running) {
      const { rows } = await client.query<{ w: string; n: number }>(
        // The NOTIFY commit lock is the heavyweight lock on pg_database object 0 in "database 0".
        `select coalesce(wait_event_type || ':' || wait_event, 'CPU') ||
           case when exists (select 1 from pg_locks l where l.pid = a.pid and not l.granted
             and l.locktype = 'object' and l.classid = 'pg_database'::regclass
             and l.database = 0 and l.objid = 0) then ' (NOTIFY commit lock)' else '' end as w,
           count(*)::int as n
         from pg_stat_activity a where application_name = $1 and state = 'active' group by 1`,
        [app],
      )
      for (const r of rows) {
        counts.set(r.w, (counts.get(r.w) ?? 0) + r.n)
        samples += r.n
      }
      await new Promise((r) => setTimeout(r, 100))
    }
  })()
  try {
    const result = await fn()
    return { result, waits: shares(counts, samples) }
  } finally {
    running = false
    await sampler
    await client.end()
  }
}

function shares(counts: Map<string, number>, total: number): Record<string, number> {
  const sorted = [...counts].sort((a, b) => b[1] - a[1])
  return Object.fromEntries(sorted.map(([k, n]) => [k, round(n / Math.max(1, total), 3)]))
}

async function benchAppends(env: Env) {
  const { p, db, raw } = env
  const schema = env.schemas.log
  const K = p.concurrency

  progress(
    `1a appendToStream, 1 event per call, ${K} concurrent streams, ≤${p.seconds}s or ${p.events} events`,
  )
  const v1 = new Array<number>(K).fill(0)
  const single = await sampleWaits('tessera-bench', () =>
    saturate(K, p.seconds, p.events, async (w) => {
      await appendToStream(db, schema, `single-${w}`, v1[w]!, newEvents(1), { actor })
      v1[w] = v1[w]! + 1
      return 1
    }),
  )
  const rawSingle = (table: string) => {
    const versions = new Array<number>(K).fill(0)
    return sampleWaits('tessera-bench-raw', () =>
      saturate(K, p.seconds, p.events, async (w) => {
        await raw.query(rawInsertSql(schema, 1, table), rawRows(`s-${w}`, ++versions[w]!, 1))
        return 1
      }),
    )
  }
  progress(`1a raw single-row INSERT, ${K} concurrent connections`)
  const singleRaw = await rawSingle('raw_rows')
  progress('1a raw single-row INSERT into a plain table with the same NOTIFY trigger')
  const singleNotify = await rawSingle('raw_notify')

  progress(`1b appendToStream, ${p.batch} events per call, ${K} concurrent streams`)
  const vb = new Array<number>(K).fill(0)
  const batched = await saturate(K, p.seconds, p.events, async (w) => {
    await appendToStream(db, schema, `batch-${w}`, vb[w]!, newEvents(p.batch), { actor })
    vb[w] = vb[w]! + p.batch
    return p.batch
  })
  progress(`1b raw multi-row INSERT, ${p['raw-rows']} rows per statement, 1 connection`)
  let rvm = 0
  const multi = await saturate(1, p.seconds, p.events, async () => {
    await raw.query(rawInsertSql(schema, p['raw-rows']), rawRows('multi', rvm + 1, p['raw-rows']))
    rvm += p['raw-rows']
    return p['raw-rows']
  })
  progress(`1b raw multi-row INSERT, ${p.batch} rows per statement, ${K} concurrent connections`)
  const rvk = new Array<number>(K).fill(0)
  const multiK = await saturate(K, p.seconds, p.events, async (w) => {
    await raw.query(rawInsertSql(schema, p.batch), rawRows(`multi-${w}`, rvk[w]! + 1, p.batch))
    rvk[w] = rvk[w]! + p.batch
    return p.batch
  })

  const multiRate: Baseline = {
    ...perSecond(multi.events, multi.seconds),
    unit: 'rows/s',
    what: `raw pg multi-row INSERT of ${p['raw-rows']} JSONB event rows per statement, one connection, into a plain table (identity PK only, no trigger)`,
  }
  return {
    multiRate,
    figures: {
      appendSingle: figure(
        perSecond(single.result.events, single.result.seconds),
        {
          ...perSecond(singleRaw.result.events, singleRaw.result.seconds),
          unit: 'rows/s',
          what: `raw pg single-row INSERT (autocommit), ${K} concurrent connections, same JSONB row shape, plain table`,
        },
        {
          events: single.result.events,
          seconds: round(single.result.seconds, 2),
          concurrency: K,
          otherBaselines: [
            {
              ...perSecond(singleNotify.result.events, singleNotify.result.seconds),
              unit: 'rows/s',
              what: "the same raw single-row INSERTs into a plain table whose only addition is the events table's AFTER INSERT FOR EACH STATEMENT pg_notify trigger",
            },
          ],
          postgresWaits: {
            what: 'share of sampled active sessions by wait event (every 100 ms); CPU = not waiting',
            appendToStream: single.waits,
            rawInsert: singleRaw.waits,
            rawInsertWithNotifyTrigger: singleNotify.waits,
          },
        },
      ),
      appendBatch: figure(perSecond(batched.events, batched.seconds), multiRate, {
        events: batched.events,
        seconds: round(batched.seconds, 2),
        eventsPerCall: p.batch,
        concurrency: K,
        otherBaselines: [
          {
            ...perSecond(multiK.events, multiK.seconds),
            unit: 'rows/s',
            what: `raw pg multi-row INSERT of ${p.batch} rows per statement, ${K} concurrent connections (same shape as the library run)`,
          },
        ],
      }),
    },
  }
}

// ---------------------------------------------------------------- 2. outbox relay

/** Publishes like publishEnvelopes does (same subject shape, headers and msgID), in windows. */
async function rawPublish(
  js: JetStreamClient,
  context: Context,
  prefix: string,
  events: StoredEnvelope[],
  window: number,
  withHeaders: boolean,
) {
  for (let i = 0; i < events.length; i += window) {
    await Promise.all(
      events.slice(i, i + window).map((e) => {
        const subject = eventSubject(context, e.type, prefix)
        if (!withHeaders) return js.publish(subject, JSON.stringify(e), { timeout: 10_000 })
        const h = headers()
        h.set(HEADERS.streamId, e.metadata.streamId)
        h.set(HEADERS.eventType, e.type)
        return js.publish(subject, JSON.stringify(e), {
          msgID: e.metadata.eventId,
          headers: h,
          timeout: 10_000,
        })
      }),
    )
  }
}

async function streamCount(env: Env, context: Context): Promise<number> {
  const jsm = await jetstreamManager(env.nc)
  return (await jsm.streams.info(streamName(context, env.prefix))).state.messages
}

async function benchRelay(env: Env) {
  const { p, db, nc, prefix } = env
  const schema = env.schemas.relay
  const N = p.events

  progress(`2 filling the relay log with ${N} events (appendToStream, ${p.batch} per call)`)
  let reserved = 0
  const vs = new Array<number>(p.concurrency).fill(0)
  const fill = await saturate(p.concurrency, Infinity, N, async (w) => {
    const n = Math.min(p.batch, N - reserved)
    if (n <= 0) return 0
    reserved += n
    await appendToStream(db, schema, `relay-${w}`, vs[w]!, newEvents(n), { actor })
    vs[w] = vs[w]! + n
    return n
  })

  // The exact payloads the relay will publish (readAll's envelopes, checkpoint field included).
  const stored: StoredEnvelope[] = []
  for (let from = LOG_START; ;) {
    const page = await readAll(db, schema, from, 10_000)
    if (page.length === 0) break
    stored.push(...page)
    from = page.at(-1)!.checkpoint
  }
  if (stored.length !== N) throw new Error(`expected ${N} readable events, got ${stored.length}`)
  const lastPosition = stored.at(-1)!.checkpoint.position

  progress(`2 startOutboxRelay(...).drain() of ${N} events into ${streamName('escrow', prefix)}`)
  let roundsPublished = 0
  const drained = await timed(async () => {
    const relay = await startOutboxRelay({
      db,
      connectionString: testDatabaseUrl(),
      schema,
      nc,
      context: 'escrow',
      prefix,
      log: busLog,
      onProgress: (n) => (roundsPublished += n),
    })
    const n = await relay.drain()
    // stop() is outside the timed part in spirit, but it only waits for an in-flight round.
    return { n, relay }
  })
  await drained.result.relay.stop()

  progress('2 the relay background loop alone (no drain), same log into a fresh stream')
  await sql`delete from ${sql.id(schema)}.checkpoints`.execute(db)
  let loopPublished = 0
  const looped = await timed(async () => {
    let reached!: () => void
    const done = new Promise<void>((r) => (reached = r))
    const relay = await startOutboxRelay({
      db,
      connectionString: testDatabaseUrl(),
      schema,
      nc,
      context: 'guardian',
      prefix,
      log: busLog,
      onProgress: (n, position) => {
        loopPublished += n
        if (position === lastPosition) reached()
      },
    })
    await done
    return relay
  })
  await looped.result.stop()

  progress(`2 raw JetStream publish of the same ${N} payloads, windows of ${p.window}`)
  const base = await timed(() => rawPublish(env.js, 'jury', prefix, stored, p.window, true))
  const bare = await timed(() => rawPublish(env.js, 'scoring', prefix, stored, p.window, false))
  const counts = await Promise.all(
    (['escrow', 'guardian', 'jury', 'scoring'] as const).map((c) => streamCount(env, c)),
  )
  if (counts.some((c) => c !== N))
    throw new Error(`stream counts ${counts.join('/')}, expected ${N} each`)

  return {
    relay: figure(
      perSecond(N, drained.seconds),
      {
        ...perSecond(N, base.seconds),
        unit: 'msgs/s',
        what: `raw js.publish of the same payloads, one event per message, same headers and Nats-Msg-Id, awaited acks in windows of ${p.window}`,
      },
      {
        events: N,
        seconds: round(drained.seconds, 2),
        drainReturned: drained.result.n,
        publishedByAllRounds: roundsPublished,
        otherBaselines: [
          {
            ...perSecond(N, bare.seconds),
            unit: 'msgs/s',
            what: `raw js.publish of the same payloads without headers or Nats-Msg-Id, windows of ${p.window} (ARCHITECTURE's method)`,
          },
        ],
        backgroundLoopOnly: {
          ...perSecond(N, looped.seconds),
          seconds: round(looped.seconds, 2),
          published: loopPublished,
          what: 'startOutboxRelay without drain(): the loop alone, until the last position is checkpointed',
        },
        setup: { appendedEvents: fill.events, appendRate: perSecond(fill.events, fill.seconds) },
      },
    ),
  }
}

// ---------------------------------------------------------------- 3. projection catch-up

function countersProjection(env: Env, name: string, table: string): Projection {
  const t = sql.id(env.schemas.proj, table)
  return {
    name,
    source: {
      stream: streamName('pacts', env.prefix),
      filterSubject: eventSubject('pacts', EVENT_TYPE, env.prefix),
    },
    async apply(tx, e) {
      await sql`
        insert into ${t} (stream_id, events, last_version) values (${e.metadata.streamId}, 1, ${e.metadata.streamVersion})
        on conflict (stream_id) do update
          set events = ${t}.events + 1, last_version = greatest(${t}.last_version, excluded.last_version)`.execute(
        tx,
      )
    },
    async reset(tx) {
      await sql`delete from ${t}`.execute(tx)
    },
  }
}

async function checkCounters(env: Env, table: string, want: number): Promise<void> {
  const { rows } = await env.raw.query<{ n: string | null }>(
    `select sum(events)::text as n from "${env.schemas.proj}".${table}`,
  )
  if (Number(rows[0]?.n ?? 0) !== want)
    throw new Error(`${table} counted ${rows[0]?.n}, expected ${want}`)
}

async function benchCatchup(env: Env, multiRate: Baseline) {
  const { p, js, nc, db } = env
  const total = p.catchup
  const schema = env.schemas.proj
  const counted = countersProjection(env, 'bench-counters', 'counters_rebuild')
  const subject = counted.source.filterSubject

  progress(
    `3 publishing ${total} envelopes into ${counted.source.stream} (js.publish, 2000 in flight)`,
  )
  let next = 0
  const fill = await ticking(
    5000,
    () => progress(`3   published ${next}`),
    () =>
      timed(() =>
        Promise.all(
          Array.from({ length: 2000 }, async () => {
            while (next < total)
              await js.publish(subject, JSON.stringify(backlogEnvelope(next++, p.streams)))
          }),
        ),
      ),
  )
  if ((await streamCount(env, 'pacts')) !== total) throw new Error('backlog count mismatch')

  progress('3 raw ordered-consumer read of the whole backlog, doing nothing')
  const consumed = await timed(async () => {
    const c = await js.consumers.get(counted.source.stream, { filter_subjects: subject })
    const iter = await c.consume({ max_messages: 1000 })
    let n = 0
    for await (const _m of iter) if (++n >= total) break
    // Closing from inside the loop would wait on the loop itself.
    await iter.close()
    return n
  })

  const rebuild = async (projection: Projection) => {
    let last = { applied: 0, eventsPerSecond: 0 }
    const r = await ticking(
      10_000,
      () =>
        progress(`3   ${projection.name}: ${last.applied}/${total} at ${last.eventsPerSecond}/s`),
      () =>
        timed(() =>
          rebuildProjection({ nc, db, schema, projection, onProgress: (pr) => (last = pr) }),
        ),
    )
    if (r.result.applied !== total)
      throw new Error(`${projection.name} applied ${r.result.applied} of ${total}`)
    return r
  }
  progress(`3 rebuildProjection of a per-stream counter projection over ${total} events`)
  const rebuilt = await rebuild(counted)
  await checkCounters(env, 'counters_rebuild', total)

  let noop: { seconds: number } | undefined
  if (p['noop-rebuild']) {
    progress('3 rebuildProjection of a no-op projection (fetch, parse, inbox and checkpoint only)')
    noop = await rebuild({
      ...counted,
      name: 'bench-noop',
      apply: async () => {},
      reset: async () => {},
    })
  }

  let live: Record<string, unknown> | undefined
  if (p['live-seconds'] > 0) {
    progress(
      `3 runProjection (live durable consumer) catching up the same backlog, ≤${p['live-seconds']}s`,
    )
    const projection = countersProjection(env, 'bench-counters-live', 'counters_live')
    const started = performance.now()
    const running = await runProjection({
      nc,
      db,
      schema,
      service: 'bench',
      projection,
      log: busLog,
      prefix: env.prefix,
    })
    let applied = 0
    while (applied < total && performance.now() - started < p['live-seconds'] * 1000) {
      await new Promise((r) => setTimeout(r, 200))
      applied = (await projectionStatus(db, schema, projection.name))?.applied ?? 0
    }
    const seconds = (performance.now() - started) / 1000
    await running.stop()
    live = {
      ...perSecond(applied, seconds),
      applied,
      of: total,
      seconds: round(seconds, 2),
      complete: applied >= total,
      what: 'runProjection from a new durable consumer at sequence 1, until the checkpoint shows every event or the time cap',
    }
  }

  const consumeRate: Baseline = {
    ...perSecond(consumed.result, consumed.seconds),
    unit: 'msgs/s',
    what: 'raw ordered consumer (consume, max_messages 1000) over the same stream and filter, doing nothing with the messages',
  }
  return {
    rebuild: figure(perSecond(total, rebuilt.seconds), consumeRate, {
      events: total,
      seconds: round(rebuilt.seconds, 2),
      streams: p.streams,
      otherBaselines: [{ ...multiRate, what: `${multiRate.what} (measured in section 1)` }],
      ...(noop && {
        noopProjection: {
          ...perSecond(total, noop.seconds),
          seconds: round(noop.seconds, 2),
          what: "the same rebuild with apply() doing nothing: the library's own cost per event",
        },
      }),
      ...(live && { live }),
      setup: {
        published: total,
        publishRate: { ...perSecond(total, fill.seconds), unit: 'msgs/s' },
      },
    }),
  }
}

// ---------------------------------------------------------------- main

async function machine(env: Env) {
  const { rows } = await env.raw.query<{ v: string }>('select version() as v')
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    totalMemoryGiB: round(os.totalmem() / 2 ** 30, 1),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    loadAverage1mAtStart: round(os.loadavg()[0] ?? 0, 2),
    postgres: rows[0]?.v.split(' on ')[0],
    natsServer: env.nc.info?.version,
  }
}

async function main(): Promise<void> {
  const p = parseParams(process.argv.slice(2))
  const started = performance.now()
  const report: Record<string, unknown> = {
    benchmark: 'foundation',
    command: `npx tsx bench/foundation.bench.ts ${process.argv.slice(2).join(' ')}`.trim(),
    startedAt: new Date().toISOString(),
    parameters: p,
  }
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      progress(`${sig}: cleaning up schemas and streams`)
      void cleanUp().finally(() => process.exit(130))
    })
  }
  let failed = false
  try {
    const env = await setUp(p)
    report['machine'] = await machine(env)
    const appends = await benchAppends(env)
    const figures: Record<string, unknown> = { ...appends.figures }
    report['figures'] = figures
    Object.assign(figures, await benchRelay(env))
    Object.assign(figures, await benchCatchup(env, appends.multiRate))
  } catch (err) {
    failed = true
    report['error'] = err instanceof Error ? (err.stack ?? err.message) : String(err)
    progress(`failed: ${String(report['error'])}`)
  } finally {
    progress('cleaning up schemas and streams')
    await cleanUp()
  }
  report['totalSeconds'] = round((performance.now() - started) / 1000, 1)
  report['loadAverage1mAtEnd'] = round(os.loadavg()[0] ?? 0, 2)
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
  process.exitCode = failed ? 1 : 0
}

await main()
