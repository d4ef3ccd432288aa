/**
 * Ingest end to end: N concurrent HTTP clients post 100-event Arden batches to a real ingest
 * process for a fixed time. Accepted events/s and ack latency are reported beside raw Postgres
 * COPY (and the json_to_recordset INSERT ingest uses) measured in the same run, with where the
 * CPU and the Postgres time went during the load. One JSON document goes to stdout; progress
 * goes to stderr. See bench/README.md.
 *
 *   npx tsx bench/ingest.bench.ts [--clients N] [--seconds N] [--help]
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { ulid } from 'ulid'
import { v7 as uuidv7 } from 'uuid'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { streamName, telemetryRecordsSubject } from '@tessera/contracts'
import { connectBus, deleteStreams, provisionStreams, publishEnvelopes } from '@tessera/bus'
import { metadataFor, testDatabaseUrl, testNatsUrl, uniqueTag } from '@tessera/testing'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
/**
 * Where ingest runs from: this checkout, or BENCH_INGEST_ROOT, another copy of the repo whose
 * `services/ingest` is under test (to compare a change with the code before it, same machine).
 */
const INGEST_ROOT = path.resolve(process.env['BENCH_INGEST_ROOT'] ?? ROOT)
const INGEST_MAIN = 'services/ingest/src/main.ts'
/** Ingest's schema in its database: the service name. */
const SCHEMA = 'ingest'

// ---------------------------------------------------------------- parameters

const OPTIONS = {
  clients: { env: 'BENCH_CLIENTS', def: 16, help: 'concurrent HTTP clients (keep-alive)' },
  seconds: { env: 'BENCH_SECONDS', def: 30, help: 'measured load time' },
  warmup: { env: 'BENCH_WARMUP', def: 5, help: 'load seconds before measuring (JIT, pools)' },
  batch: { env: 'BENCH_BATCH', def: 100, help: 'events per request (1–100)' },
  'copy-rows': { env: 'BENCH_COPY_ROWS', def: 200_000, help: 'rows per raw baseline run' },
  'copy-batch': { env: 'BENCH_COPY_BATCH', def: 2000, help: 'rows per COPY / INSERT statement' },
  'commits-in-flight': {
    env: 'BENCH_COMMITS_IN_FLIGHT',
    def: 0,
    help: "INGEST_COMMITS_IN_FLIGHT (0: ingest's default)",
  },
  'cpu-prof': { env: 'BENCH_CPU_PROF', def: 0, help: '1 = --cpu-prof ingest, summarise the load' },
} as const
type Params = Record<keyof typeof OPTIONS, number>

function parseParams(argv: string[]): Params {
  const given = new Map<string, string>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--help' || arg === '-h') {
      const lines = Object.entries(OPTIONS).map(
        ([k, o]) => `  --${k.padEnd(18)} ${String(o.def).padStart(7)}  ${o.help} (env ${o.env})`,
      )
      process.stderr.write(`usage: npx tsx bench/ingest.bench.ts [options]\n${lines.join('\n')}\n`)
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
  if (out.clients < 1 || out.seconds < 1 || out['copy-rows'] < 1 || out['copy-batch'] < 1) {
    throw new Error('--clients, --seconds, --copy-rows and --copy-batch must be at least 1')
  }
  if (out.batch < 1 || out.batch > 100) throw new Error('--batch must be 1–100 (the Arden limit)')
  if (out['commits-in-flight'] > 16) throw new Error('--commits-in-flight is at most 16')
  return out
}

// ---------------------------------------------------------------- small helpers

const round = (n: number, digits = 0) => Number(n.toFixed(digits))
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function progress(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`)
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

function shares(counts: Map<string, number>, total: number): Record<string, number> {
  const sorted = [...counts].sort((a, b) => b[1] - a[1])
  return Object.fromEntries(sorted.map(([k, n]) => [k, round(n / Math.max(1, total), 3)]))
}

async function freePort(): Promise<number> {
  const srv = net.createServer()
  srv.listen(0, '127.0.0.1')
  await once(srv, 'listening')
  const { port } = srv.address() as net.AddressInfo
  srv.close()
  await once(srv, 'close')
  return port
}

const cleanups: (() => Promise<void>)[] = []
async function cleanUp(): Promise<void> {
  for (const fn of cleanups.splice(0).reverse()) {
    await fn().catch((err: unknown) => progress(`cleanup failed: ${String(err)}`))
  }
}

// ---------------------------------------------------------------- payloads

interface Agent {
  agentId: string
  orgId: string
  handle: string
}

/**
 * One request body: `n` Arden events of one agent and user, each with a small flat `data`
 * (about 160 bytes of JSON per event). The body is the same on every request: the protocol
 * does no deduplication, so every copy is stored again.
 */
function ardenBatch(agent: Agent, user: string, n: number) {
  const now = Date.now()
  return Array.from({ length: n }, (_, i) => ({
    agent: `A-${agent.handle}`,
    user,
    time: now + i,
    bid: 1250 + i,
    data: { action: 'tool_call', tool: 'web.search', tokens: 512 + i, latency_ms: 180 + i, seq: i },
  }))
}

/** The JSONB `data` ingest stores for one of those events (the event as validated). */
function storedData(e: ReturnType<typeof ardenBatch>[number], handle: string) {
  return {
    agent: e.agent,
    agentKind: 'real',
    agentHandle: handle,
    user: e.user,
    bid: e.bid,
    time: e.time,
    data: e.data,
  }
}

// ---------------------------------------------------------------- raw baselines

const COLUMNS =
  'event_id, group_id, received_at, occurred_at, org_id, agent_id, protocol, type, session_id, pact_id, data'

/** The telemetry_events columns and types, unpartitioned; indexes as in ingest's migration. */
async function createScratchTable(pool: pg.Pool, table: string, indexes: boolean) {
  await pool.query(`create table ${table} (
    event_id uuid not null, group_id uuid not null, received_at timestamptz not null,
    occurred_at timestamptz not null, org_id text not null, agent_id text not null,
    protocol text not null, type text not null, session_id text, pact_id text,
    data jsonb not null)`)
  if (!indexes) return
  await pool.query(
    `create index on ${table} (org_id, session_id, event_id) where session_id is not null`,
  )
  await pool.query(`create index on ${table} (org_id, agent_id, occurred_at, event_id)`)
  await pool.query(`create index on ${table} using brin (received_at)`)
}

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' }
const copyField = (v: string) => v.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]!)

interface BaselineBatches {
  copy: Buffer[]
  json: { groupId: string; receivedAt: Date; rowsJson: string }[]
  rows: number
}

/**
 * The baseline rows, prepared before timing so the runs measure Postgres, not string building:
 * the same rows ingest stores for the benchmark's events, as COPY text and as the JSON
 * parameter of ingest's json_to_recordset statement.
 */
function baselineBatches(agent: Agent, user: string, p: Params): BaselineBatches {
  const copy: Buffer[] = []
  const json: BaselineBatches['json'] = []
  const template = ardenBatch(agent, user, 100)
  for (let done = 0; done < p['copy-rows']; done += p['copy-batch']) {
    const n = Math.min(p['copy-batch'], p['copy-rows'] - done)
    const groupId = uuidv7()
    const receivedAt = new Date()
    const lines: string[] = []
    const rows: unknown[] = []
    for (let i = 0; i < n; i++) {
      const e = template[(done + i) % template.length]!
      const eventId = uuidv7()
      const occurredAt = new Date(e.time).toISOString()
      const data = storedData(e, agent.handle)
      lines.push(
        [
          eventId,
          groupId,
          receivedAt.toISOString(),
          occurredAt,
          agent.orgId,
          agent.agentId,
          'arden',
          'arden_event',
          '\\N',
          '\\N',
          copyField(JSON.stringify(data)),
        ].join('\t'),
      )
      rows.push({
        event_id: eventId,
        occurred_at: occurredAt,
        org_id: agent.orgId,
        agent_id: agent.agentId,
        protocol: 'arden',
        type: 'arden_event',
        session_id: null,
        pact_id: null,
        data,
      })
    }
    copy.push(Buffer.from(`${lines.join('\n')}\n`))
    json.push({ groupId, receivedAt, rowsJson: JSON.stringify(rows) })
  }
  return { copy, json, rows: p['copy-rows'] }
}

/** One way of writing a batch, on its own connection, with its time and CPU summed up. */
interface Writer {
  client: pg.PoolClient
  /** The Postgres backend serving `client`: its CPU is read from /proc. */
  pid: number
  write(client: pg.PoolClient, batch: number): Promise<void>
  seconds: number
  backendTicks: number
  clientMicros: number
}

interface Baseline {
  value: number
  unit: string
  what: string
  seconds: number
  postgresCpuMicrosecondsPerRow: number
  clientCpuMicrosecondsPerRow: number
}

/**
 * The three baselines, interleaved batch by batch (A B C A B C …), each on its own connection:
 * a machine whose background load drifts during the run then weighs on all three alike.
 */
async function runBaselines(pool: pg.Pool, agent: Agent, user: string, p: Params) {
  progress(`baselines: preparing ${p['copy-rows']} rows in batches of ${p['copy-batch']}`)
  const b = baselineBatches(agent, user, p)
  await pool.query('create schema baseline')
  await createScratchTable(pool, 'baseline.copy_indexed', true)
  await createScratchTable(pool, 'baseline.copy_bare', false)
  await createScratchTable(pool, 'baseline.json_indexed', true)
  await pool.query(`create table baseline.outbox (group_id uuid primary key,
    received_at timestamptz not null, event_count int not null,
    created_at timestamptz not null default now())`)

  const copy = (table: string) => async (client: pg.PoolClient, i: number) => {
    const stream = client.query(copyFrom(`copy ${table} (${COLUMNS}) from stdin`))
    await pipeline(Readable.from([b.copy[i]!]), stream)
  }
  // Ingest's group-commit statement, verbatim but for the table names, one transaction a batch.
  const jsonInsert = async (client: pg.PoolClient, i: number) => {
    const { groupId, receivedAt, rowsJson } = b.json[i]!
    await client.query('begin')
    await client.query(
      `with ins as (
         insert into baseline.json_indexed (${COLUMNS})
         select event_id, $1, $2, occurred_at, org_id, agent_id, protocol, type, session_id, pact_id, data
         from json_to_recordset($3::json) as r(event_id uuid, occurred_at timestamptz, org_id text,
           agent_id text, protocol text, type text, session_id text, pact_id text, data jsonb)
         returning 1)
       insert into baseline.outbox (group_id, received_at, event_count)
       select $1, $2, count(*) from ins`,
      [groupId, receivedAt, rowsJson],
    )
    await client.query('commit')
  }
  const writers: Writer[] = []
  for (const write of [copy('baseline.copy_indexed'), copy('baseline.copy_bare'), jsonInsert]) {
    const client = await pool.connect()
    const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid')
    writers.push({ client, pid: rows[0]!.pid, write, seconds: 0, backendTicks: 0, clientMicros: 0 })
  }
  progress('baselines: COPY with indexes, COPY without, json_to_recordset INSERT, interleaved')
  try {
    for (let i = 0; i < b.copy.length; i++) {
      for (const w of writers) {
        const ticks0 = procStat(w.pid)?.ticks ?? 0
        const cpu0 = process.cpuUsage()
        const t0 = performance.now()
        await w.write(w.client, i)
        w.seconds += (performance.now() - t0) / 1000
        const cpu = process.cpuUsage(cpu0)
        w.clientMicros += cpu.user + cpu.system
        w.backendTicks += (procStat(w.pid)?.ticks ?? 0) - ticks0
      }
    }
  } finally {
    for (const w of writers) w.client.release()
  }
  const rate = (w: Writer, what: string): Baseline => ({
    value: round(b.rows / w.seconds),
    unit: 'rows/s',
    what,
    seconds: round(w.seconds, 2),
    postgresCpuMicrosecondsPerRow: round((w.backendTicks / CLK_TCK / b.rows) * 1e6, 1),
    clientCpuMicrosecondsPerRow: round(w.clientMicros / b.rows, 1),
  })
  const [ci, cb, ji] = writers as [Writer, Writer, Writer]
  const result = {
    copyIndexed: rate(
      ci,
      `raw Postgres COPY FROM STDIN (pg-copy-streams), ${p['copy-batch']} rows per COPY (autocommit), one connection, into an unpartitioned table with telemetry_events' columns and indexes; rows pre-serialised`,
    ),
    copyBare: rate(cb, 'the same COPY into the same columns without any index'),
    jsonInsert: rate(
      ji,
      `ingest's own group-commit statement (json_to_recordset multi-row INSERT plus the outbox row, begin/commit), ${p['copy-batch']} rows per statement, one connection, into a table like copyIndexed; rows pre-serialised`,
    ),
  }
  progress(
    `baselines: ${result.copyIndexed.value} / ${result.copyBare.value} / ${result.jsonInsert.value} rows/s`,
  )
  // Gone before the load, so autovacuum does not analyse them while ingest runs.
  await pool.query('drop schema baseline cascade')
  return result
}

// ---------------------------------------------------------------- the ingest process

interface Ingest {
  child: ChildProcess
  url: string
  profileDir?: string
  exited: Promise<number | null>
}

async function startIngest(dbUrl: string, prefix: string, p: Params): Promise<Ingest> {
  const port = await freePort()
  const profileDir = p['cpu-prof']
    ? mkdtempSync(path.join(os.tmpdir(), 'tessera-ingest-prof-'))
    : undefined
  const env: Record<string, string | undefined> = {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: dbUrl,
    NATS_URL: testNatsUrl(),
    TESSERA_STREAM_PREFIX: prefix,
    INGEST_RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: 'warn',
  }
  if (p['commits-in-flight']) env['INGEST_COMMITS_IN_FLIGHT'] = String(p['commits-in-flight'])
  const args = [
    ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
    '--import',
    'tsx',
    INGEST_MAIN,
  ]
  const child = spawn(process.execPath, args, {
    cwd: INGEST_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  for (const s of [child.stdout, child.stderr]) {
    createInterface({ input: s }).on('line', (l) => process.stderr.write(`[ingest] ${l}\n`))
  }
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
  const ingest: Ingest = {
    child,
    url: `http://127.0.0.1:${port}`,
    exited,
    ...(profileDir && { profileDir }),
  }
  cleanups.push(() => stopIngest(ingest))

  let dead = false
  void exited.then(() => (dead = true))
  const deadline = Date.now() + 90_000
  for (;;) {
    if (dead) throw new Error(`ingest exited during start-up (code ${child.exitCode})`)
    const status = await fetch(`${ingest.url}/health/ready`)
      .then((r) => r.status)
      .catch(() => 0)
    if (status === 200) break
    if (Date.now() > deadline) throw new Error('ingest not ready after 90 s')
    await sleep(250)
  }
  return ingest
}

/** SIGTERM (a clean exit also writes the CPU profile), SIGKILL after 20 s. */
async function stopIngest(ingest: Ingest): Promise<void> {
  if (ingest.child.exitCode !== null || ingest.child.signalCode !== null) return
  ingest.child.kill('SIGTERM')
  const timeout = sleep(20_000).then(() => 'timeout' as const)
  if ((await Promise.race([ingest.exited, timeout])) === 'timeout') {
    progress('ingest did not stop within 20 s; killing it')
    ingest.child.kill('SIGKILL')
    await ingest.exited
  }
}

// ---------------------------------------------------------------- load generator

interface LoadResult {
  seconds: number
  requests: number
  accepted: number
  status: Record<string, number>
  errors: number
  latenciesMs: number[]
  /** Accepted events per second of the run, by completion time. */
  perSecond: number[]
  non2xxSamples: string[]
}

/**
 * `clients` loops, each on its own keep-alive socket, posting the same body back to back until
 * `seconds` pass. Every request started is awaited, so the log holds exactly what was answered.
 * Plain node:http with a pre-encoded body: a few hundred requests a second cost it little CPU.
 */
async function runLoad(url: string, body: Buffer, batch: number, clients: number, seconds: number) {
  const target = new URL('/api/events', url)
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients })
  const r: LoadResult = {
    seconds: 0,
    requests: 0,
    accepted: 0,
    status: {},
    errors: 0,
    latenciesMs: [],
    perSecond: [],
    non2xxSamples: [],
  }
  const post = () =>
    new Promise<{ status: number; text?: string }>((resolve, reject) => {
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': body.length },
        },
        (res) => {
          const status = res.statusCode ?? 0
          if (status === 200) {
            // 200 means every event was accepted; the body need not be read into memory.
            res.on('data', () => undefined)
            res.on('end', () => resolve({ status }))
          } else {
            const chunks: Buffer[] = []
            res.on('data', (c: Buffer) => chunks.push(c))
            res.on('end', () => resolve({ status, text: Buffer.concat(chunks).toString() }))
          }
          res.on('error', reject)
        },
      )
      req.on('error', reject)
      req.end(body)
    })

  const started = performance.now()
  const deadline = started + seconds * 1000
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now()
        let res: Awaited<ReturnType<typeof post>>
        try {
          res = await post()
        } catch (err) {
          r.errors++
          if (r.non2xxSamples.length < 3) r.non2xxSamples.push(`error: ${String(err)}`)
          await sleep(100)
          continue
        }
        const t1 = performance.now()
        r.requests++
        r.status[res.status] = (r.status[res.status] ?? 0) + 1
        r.latenciesMs.push(t1 - t0)
        let accepted: number
        if (res.status === 200) accepted = batch
        else {
          if (r.non2xxSamples.length < 3) r.non2xxSamples.push(`${res.status} ${res.text}`)
          try {
            accepted =
              (JSON.parse(res.text ?? '') as { accepted_count?: number }).accepted_count ?? 0
          } catch {
            accepted = 0
          }
        }
        r.accepted += accepted
        const sec = Math.floor((t1 - started) / 1000)
        r.perSecond[sec] = (r.perSecond[sec] ?? 0) + accepted
      }
    }),
  )
  r.seconds = (performance.now() - started) / 1000
  agent.destroy()
  for (let i = 0; i < r.perSecond.length; i++) r.perSecond[i] ??= 0
  return r
}

function latencySummary(ms: number[]) {
  const sorted = [...ms].sort((a, b) => a - b)
  const mean = sorted.reduce((s, v) => s + v, 0) / Math.max(1, sorted.length)
  return {
    p50: round(percentile(sorted, 50), 1),
    p90: round(percentile(sorted, 90), 1),
    p99: round(percentile(sorted, 99), 1),
    max: round(sorted.at(-1) ?? 0, 1),
    mean: round(mean, 1),
  }
}

// ---------------------------------------------------------------- where the time goes

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  } catch {
    return 100
  }
})()

/** utime + stime of a process (all its threads), in clock ticks, and its command name. */
function procStat(pid: number): { comm: string; ticks: number } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const close = s.lastIndexOf(')')
    const f = s.slice(close + 2).split(' ')
    // f[0] is field 3 (state); utime and stime are fields 14 and 15.
    return { comm: s.slice(s.indexOf('(') + 1, close), ticks: Number(f[11]) + Number(f[12]) }
  } catch {
    return undefined
  }
}

function systemCpu() {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] =
    line.trim().split(/\s+/).slice(1).map(Number)
  return { user, nice, system, idle, iowait, irq, softirq, steal }
}

function diskWrites() {
  let sectors = 0
  let ios = 0
  for (const line of readFileSync('/proc/diskstats', 'utf8').split('\n')) {
    const f = line.trim().split(/\s+/)
    // whole disks only (vda, sda, nvme0n1), not partitions
    if (!f[2] || !/^(?:[vsh]d[a-z]+|nvme\d+n\d+|xvd[a-z]+)$/.test(f[2])) continue
    ios += Number(f[7])
    sectors += Number(f[9])
  }
  return { ios, bytes: sectors * 512 }
}

type Procs = Map<number, { comm: string; ticks: number }>
type Backends = Map<number, { db: string | null; app: string; type: string }>

function scanProcs(): Procs {
  const procs: Procs = new Map()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    const st = procStat(Number(name))
    if (st) procs.set(Number(name), st)
  }
  return procs
}

async function pgBackends(client: pg.Client): Promise<Backends> {
  const { rows } = await client.query<{
    pid: number
    db: string | null
    app: string
    type: string
  }>(
    `select pid, datname as db, application_name as app, backend_type as type from pg_stat_activity`,
  )
  return new Map(rows.map((b) => [b.pid, b]))
}

interface Snapshot {
  at: number
  /** CLOCK_MONOTONIC in µs, the clock of V8 CPU profiles. */
  monotonicUs: number
  system: ReturnType<typeof systemCpu>
  procs: Procs
  self: NodeJS.CpuUsage
  disk: ReturnType<typeof diskWrites>
  pgBackends: Backends
  wal: Record<string, number>
  db: Record<string, number>
}

async function snapshot(sampler: pg.Client, dbName: string): Promise<Snapshot> {
  const procs = scanProcs()
  const backends = await pgBackends(sampler)
  const wal = await sampler.query<Record<string, string>>(
    `select wal_records, wal_fpi, wal_bytes, wal_buffers_full, wal_write, wal_sync from pg_stat_wal`,
  )
  const db = await sampler.query<Record<string, string>>(
    `select xact_commit, xact_rollback, tup_inserted, tup_deleted, blks_read, blks_hit
     from pg_stat_database where datname = $1`,
    [dbName],
  )
  const nums = (row: Record<string, string> | undefined) =>
    Object.fromEntries(Object.entries(row ?? {}).map(([k, v]) => [k, Number(v)]))
  return {
    at: performance.now(),
    monotonicUs: Number(process.hrtime.bigint() / 1000n),
    system: systemCpu(),
    procs,
    self: process.cpuUsage(),
    disk: diskWrites(),
    pgBackends: backends,
    wal: nums(wal.rows[0]),
    db: nums(db.rows[0]),
  }
}

function cpuReport(a: Snapshot, b: Snapshot, ingestPid: number, dbName: string, accepted: number) {
  const seconds = (b.at - a.at) / 1000
  const coreShare = (ticks: number) => round(ticks / CLK_TCK / seconds, 3)
  const delta = (pid: number) => {
    const after = b.procs.get(pid)
    if (!after) return 0
    return after.ticks - (a.procs.get(pid)?.ticks ?? 0)
  }
  const backends = new Map([...a.pgBackends, ...b.pgBackends])
  const postgres = new Map<string, number>()
  let postgresTotal = 0
  let nats = 0
  const others: { pid: number; comm: string; ticks: number }[] = []
  for (const [pid, { comm }] of b.procs) {
    const d = delta(pid)
    if (pid === ingestPid || pid === process.pid || d <= 0) continue
    if (comm === 'postgres') {
      postgresTotal += d
      const be = backends.get(pid)
      const key = !be
        ? 'postmaster and unlisted'
        : be.db === null
          ? be.type
          : be.db !== dbName
            ? 'other databases (not this benchmark)'
            : `${be.app || be.type} (${dbName})`
      postgres.set(key, (postgres.get(key) ?? 0) + d)
    } else if (comm === 'nats-server') nats += d
    else others.push({ pid, comm, ticks: d })
  }
  const sys = (k: keyof Snapshot['system']) => b.system[k] - a.system[k]
  const total = Object.keys(b.system).reduce((s, k) => s + sys(k as keyof Snapshot['system']), 0)
  const busy = total - sys('idle') - sys('iowait')
  const selfMicros = b.self.user + b.self.system - (a.self.user + a.self.system)
  const selfTicks = (selfMicros / 1e6) * CLK_TCK
  const ingestTicks = delta(ingestPid)
  const attributed = ingestTicks + postgresTotal + nats + selfTicks
  const perEvent = (ticks: number) =>
    accepted ? round((ticks / CLK_TCK / accepted) * 1e6, 1) : null
  return {
    what: "CPU used during the measured load, in cores (1 = one core fully busy; this machine has os.cpus().length). From /proc/<pid>/stat utime+stime (all threads) and /proc/stat; the load generator's from process.cpuUsage()",
    seconds: round(seconds, 2),
    machineBusyCores: coreShare(busy),
    machineCores: {
      user: coreShare(sys('user') + sys('nice')),
      system: coreShare(sys('system')),
      softirq: coreShare(sys('softirq') + sys('irq')),
      iowait: coreShare(sys('iowait')),
      steal: coreShare(sys('steal')),
      idle: coreShare(sys('idle')),
    },
    ingestProcess: coreShare(ingestTicks),
    postgres: coreShare(postgresTotal),
    postgresBy: Object.fromEntries(
      [...postgres].sort((x, y) => y[1] - x[1]).map(([k, t]) => [k, coreShare(t)]),
    ),
    natsServer: coreShare(nats),
    loadGenerator: coreShare(selfTicks),
    /** Other processes, and kernel time not charged to a process (softirq: loopback TCP). */
    everythingElse: coreShare(Math.max(0, busy - attributed)),
    cpuMicrosecondsPerAcceptedEvent: {
      what: 'CPU time per accepted event: steadier than events/s when other processes compete for the cores',
      ingestProcess: perEvent(ingestTicks),
      postgres: perEvent(postgresTotal),
      natsServer: perEvent(nats),
      loadGenerator: perEvent(selfTicks),
    },
    topOtherProcesses: others
      .sort((x, y) => y.ticks - x.ticks)
      .slice(0, 5)
      .map((o) => ({ pid: o.pid, comm: o.comm, cores: coreShare(o.ticks) })),
  }
}

function ioReport(a: Snapshot, b: Snapshot, accepted: number) {
  const seconds = (b.at - a.at) / 1000
  const d = (x: Record<string, number>, y: Record<string, number>, k: string) =>
    (y[k] ?? 0) - (x[k] ?? 0)
  const walBytes = d(a.wal, b.wal, 'wal_bytes')
  const commits = d(a.db, b.db, 'xact_commit')
  return {
    what: 'Postgres and disk counters over the measured load. pg_stat_wal and the disk are cluster- and machine-wide; pg_stat_database is this database only',
    walMBPerSecond: round(walBytes / 1e6 / seconds, 1),
    walBytesPerAcceptedEvent: accepted ? round(walBytes / accepted) : null,
    walFullPageImages: d(a.wal, b.wal, 'wal_fpi'),
    walWrites: d(a.wal, b.wal, 'wal_write'),
    walSyncs: d(a.wal, b.wal, 'wal_sync'),
    walBuffersFull: d(a.wal, b.wal, 'wal_buffers_full'),
    commitsPerSecond: round(commits / seconds),
    rowsInsertedPerSecond: round(d(a.db, b.db, 'tup_inserted') / seconds),
    diskWriteMBPerSecond: round((b.disk.bytes - a.disk.bytes) / 1e6 / seconds, 1),
    diskWriteIOsPerSecond: round((b.disk.ios - a.disk.ios) / seconds),
  }
}

/**
 * Every 100 ms: what this database's active sessions wait on (by application: `ingest` is the
 * lookup pool, `ingest-telemetry-log` the group commit and fan-out pool), and the WAL writer
 * and checkpointer when not idle. Every second: the outbox backlog (committed, not yet on the
 * stream).
 */
function startSampler(sampler: pg.Client, dbName: string) {
  const waits = new Map<string, Map<string, number>>()
  const backlog: number[] = []
  const procsSeen: Procs = new Map()
  const backendsSeen: Backends = new Map()
  let ticks = 0
  let running = true
  const loop = (async () => {
    while (running) {
      const { rows } = await sampler.query<{ app: string; w: string; n: number }>(
        `select coalesce(nullif(application_name, ''), backend_type) as app,
           coalesce(wait_event_type || ':' || wait_event, 'CPU') as w, count(*)::int as n
         from pg_stat_activity
         where pid <> pg_backend_pid()
           and ((datname = $1 and state = 'active')
             or (backend_type in ('walwriter', 'checkpointer', 'background writer', 'autovacuum worker')
               and coalesce(wait_event_type, '') <> 'Activity'))
         group by 1, 2`,
        [dbName],
      )
      ticks++
      for (const r of rows) {
        const m = waits.get(r.app) ?? new Map<string, number>()
        m.set(r.w, (m.get(r.w) ?? 0) + r.n)
        waits.set(r.app, m)
      }
      if (ticks % 10 === 0) {
        // Processes that end before the load does (autovacuum workers, other short-lived
        // processes) still count, with the CPU they had when last seen.
        for (const [pid, st] of scanProcs()) procsSeen.set(pid, st)
        for (const [pid, b] of await pgBackends(sampler)) backendsSeen.set(pid, b)
        const { rows: b } = await sampler.query<{ n: string }>(
          `select coalesce(sum(event_count), 0)::text as n from "${SCHEMA}".telemetry_outbox`,
        )
        backlog.push(Number(b[0]?.n ?? 0))
      }
      await sleep(100)
    }
  })()
  return async () => {
    running = false
    await loop
    const byApp: Record<string, unknown> = {}
    for (const [app, m] of [...waits].sort()) {
      const n = [...m.values()].reduce((s, v) => s + v, 0)
      byApp[app] = { averageActive: round(n / Math.max(1, ticks), 2), waits: shares(m, n) }
    }
    return {
      procsSeen,
      backendsSeen,
      postgresWaits: {
        what: "pg_stat_activity every 100 ms: per application, the average number of active sessions and the share of samples by wait event (CPU = active, not waiting). 'ingest' is ingest's lookup pool, 'ingest-telemetry-log' its group commit and fan-out pool",
        samples: ticks,
        byApplication: byApp,
      },
      outboxBacklogRecords: {
        what: 'records committed but not yet confirmed on the TELEMETRY stream, sampled every second',
        max: Math.max(0, ...backlog),
        mean: round(backlog.reduce((s, v) => s + v, 0) / Math.max(1, backlog.length)),
      },
    }
  }
}

// ---------------------------------------------------------------- CPU profile summary

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface CpuProfile {
  nodes: ProfileNode[]
  startTime: number
  samples: number[]
  timeDeltas: number[]
}

function areaOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)'
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (nm) return nm[1]!
  if (url.startsWith('node:')) return url.split('/')[0]!
  const ours = /\/(libs|services|contracts|infra)\/([^/]+)\//.exec(url)
  if (ours) return ours[1] === 'contracts' ? 'contracts' : `${ours[1]}/${ours[2]}`
  return url
}

/**
 * Self time by package and by function, and inclusive time of the project's own functions,
 * for the samples taken during the measured load (V8 profile times and process.hrtime share
 * CLOCK_MONOTONIC on Linux).
 */
function summariseProfile(dir: string, fromUs: number, toUs: number) {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))
  if (!file) return { error: `no .cpuprofile in ${dir}` }
  const prof = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as CpuProfile
  const byId = new Map(prof.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const label = (n: ProfileNode) => {
    const { functionName, url, lineNumber } = n.callFrame
    // tsx's transpiled modules report line 0 for everything: the file alone says more.
    const file = url
      .replace(/^file:\/\//, '')
      .replace(`${INGEST_ROOT}/`, '')
      .replace(`${ROOT}/`, '')
    const where = url ? (lineNumber > 0 ? `${file}:${lineNumber + 1}` : file) : ''
    return `${functionName || '(anonymous)'}${where ? ` ${where}` : ''}`
  }
  const selfArea = new Map<string, number>()
  const selfFn = new Map<string, number>()
  const inclusive = new Map<string, number>()
  let t = prof.startTime
  let total = 0
  for (let i = 0; i < prof.samples.length; i++) {
    t += prof.timeDeltas[i] ?? 0
    const dt = prof.timeDeltas[i + 1] ?? 0
    if (t < fromUs || t > toUs) continue
    const node = byId.get(prof.samples[i]!)
    if (!node) continue
    total += dt
    const { url, functionName } = node.callFrame
    const area = areaOf(url, functionName)
    selfArea.set(area, (selfArea.get(area) ?? 0) + dt)
    selfFn.set(label(node), (selfFn.get(label(node)) ?? 0) + dt)
    const seen = new Set<string>()
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id)!
      const u = n.callFrame.url
      const ours = u.includes(`${INGEST_ROOT}/`) || u.includes(`${ROOT}/`)
      if (!ours || u.includes('node_modules')) continue
      const l = label(n)
      if (seen.has(l)) continue
      seen.add(l)
      inclusive.set(l, (inclusive.get(l) ?? 0) + dt)
    }
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => ({
        what: k,
        ms: round(us / 1000),
        share: round(us / Math.max(1, total), 3),
      }))
  return {
    file: path.join(dir, file),
    sampledMs: round(total / 1000),
    selfTimeByPackage: top(selfArea, 20),
    selfTimeByFunction: top(selfFn, 25),
    inclusiveTimeOfProjectFunctions: top(inclusive, 25),
  }
}

// ---------------------------------------------------------------- main parts

async function registerAgent(nc: NatsConnection, prefix: string, pool: pg.Pool, agent: Agent) {
  const now = new Date().toISOString()
  await publishEnvelopes(
    jetstream(nc),
    'guardian',
    [
      {
        type: 'OrgCreated',
        data: { orgId: agent.orgId, name: 'Bench org', createdAt: now },
        metadata: metadataFor(`org-${agent.orgId}`),
      },
      {
        type: 'AgentRegistered',
        data: {
          agentId: agent.agentId,
          orgId: agent.orgId,
          name: 'bench agent',
          framework: 'bench',
          capabilities: [],
          handle: agent.handle,
          registeredAt: now,
        },
        metadata: metadataFor(`agent-${agent.agentId}`),
      },
    ],
    prefix,
  )
  const deadline = Date.now() + 30_000
  for (;;) {
    const { rows } = await pool.query<{ agents: number; policies: number }>(
      `select (select count(*) from "${SCHEMA}".known_agents where agent_id = $1)::int as agents,
              (select count(*) from "${SCHEMA}".redaction_policies where org_id = $2)::int as policies`,
      [agent.agentId, agent.orgId],
    )
    if (rows[0]?.agents && rows[0].policies) return
    if (Date.now() > deadline) throw new Error('ingest did not learn the agent within 30 s')
    await sleep(100)
  }
}

async function telemetryMessages(nc: NatsConnection, prefix: string): Promise<number> {
  const jsm = await jetstreamManager(nc)
  const subject = telemetryRecordsSubject(prefix)
  const info = await jsm.streams.info(streamName('telemetry', prefix), { subjects_filter: subject })
  return info.state.subjects?.[subject] ?? 0
}

/**
 * After the load: the log must hold exactly what was acknowledged, the outbox must empty and
 * the stream must carry every group's parts (100 records per message, Σ ceil(group/100)).
 */
async function verify(
  pool: pg.Pool,
  nc: NatsConnection,
  prefix: string,
  expectedRows: number,
  loadEnded: number,
) {
  let outboxEmptyAfterMs: number | null = null
  const deadline = Date.now() + 120_000
  while (Date.now() < deadline) {
    const { rows } = await pool.query<{ n: number }>(
      `select count(*)::int as n from "${SCHEMA}".telemetry_outbox`,
    )
    if (rows[0]?.n === 0) {
      outboxEmptyAfterMs = round(performance.now() - loadEnded)
      break
    }
    await sleep(25)
  }
  const { rows: g } = await pool.query<{
    rows: string
    groups: string
    parts: string
    mean: string
    p50: string
    max: string
  }>(
    `select sum(n)::text as rows, count(*)::text as groups, sum(ceil(n / 100.0))::text as parts,
            avg(n)::text as mean, percentile_cont(0.5) within group (order by n)::text as p50,
            max(n)::text as max
     from (select count(*) as n from "${SCHEMA}".telemetry_events group by group_id) g`,
  )
  const row = g[0]!
  const logRows = Number(row.rows ?? 0)
  const expectedMessages = Number(row.parts ?? 0)
  let streamMessages = await telemetryMessages(nc, prefix)
  while (streamMessages < expectedMessages && Date.now() < deadline) {
    await sleep(100)
    streamMessages = await telemetryMessages(nc, prefix)
  }
  const ok =
    logRows === expectedRows && outboxEmptyAfterMs !== null && streamMessages === expectedMessages
  return {
    ok,
    logRows,
    expectedRows,
    fanOutLagMs: outboxEmptyAfterMs,
    fanOutLagWhat: 'from the last acknowledged response until ingest.telemetry_outbox was empty',
    streamMessages,
    expectedStreamMessages: expectedMessages,
    groupCommits: {
      what: 'records per group commit (one transaction each), including the warm-up',
      groups: Number(row.groups ?? 0),
      meanRecords: round(Number(row.mean ?? 0), 1),
      p50Records: Number(row.p50 ?? 0),
      maxRecords: Number(row.max ?? 0),
    },
  }
}

async function machine(pool: pg.Pool, nc: NatsConnection) {
  const { rows } = await pool.query<{ v: string; sb: string; sc: string }>(
    `select version() as v, current_setting('shared_buffers') as sb,
            current_setting('synchronous_commit') as sc`,
  )
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    totalMemoryGiB: round(os.totalmem() / 2 ** 30, 1),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: rows[0]?.v.split(' on ')[0],
    postgresSettings: { shared_buffers: rows[0]?.sb, synchronous_commit: rows[0]?.sc },
    natsServer: nc.info?.version,
    loadAverageBefore: os.loadavg().map((l) => round(l, 2)),
    note: 'the load generator, ingest, Postgres and NATS share these cores: every figure includes that contention, and other processes on the machine show up under whereTheTimeGoes.cpu',
  }
}

async function main(): Promise<void> {
  const p = parseParams(process.argv.slice(2))
  const started = performance.now()
  const report: Record<string, unknown> = {
    benchmark: 'ingest',
    command: `npx tsx bench/ingest.bench.ts ${process.argv.slice(2).join(' ')}`.trim(),
    startedAt: new Date().toISOString(),
    parameters: p,
    ...(INGEST_ROOT !== ROOT && { ingestRoot: INGEST_ROOT }),
  }
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      progress(`${sig}: stopping ingest, dropping the database and streams`)
      void cleanUp().finally(() => process.exit(130))
    })
  }
  let failed = false
  try {
    const tag = uniqueTag()
    const dbName = `bench_ingest_${tag}`
    const prefix = `BENCH${tag.toUpperCase()}_`
    const adminUrl = testDatabaseUrl()
    const dbUrl = new URL(adminUrl)
    dbUrl.pathname = `/${dbName}`

    const admin = new pg.Client({ connectionString: adminUrl, application_name: 'tessera-bench' })
    await admin.connect()
    cleanups.push(() => admin.end())
    await admin.query(`create database "${dbName}"`)
    cleanups.push(async () => {
      await admin.query(`drop database if exists "${dbName}" with (force)`)
    })
    const pool = new pg.Pool({
      connectionString: dbUrl.toString(),
      max: 3,
      application_name: 'tessera-bench',
    })
    // pool.end() resolves before the sockets close; a FATAL from the forced drop that races it
    // must not crash the run.
    pool.on('error', (err) => progress(`bench pool: ${err.message}`))
    cleanups.push(() => pool.end())
    const nc = await connectBus({ url: testNatsUrl(), name: 'tessera-bench' })
    cleanups.push(() => nc.close())
    await provisionStreams(nc, prefix)
    cleanups.push(() => deleteStreams(nc, prefix))
    progress(`database ${dbName}; stream prefix ${prefix}`)
    report['machine'] = await machine(pool, nc)

    const agent: Agent = {
      agentId: `agt_${ulid().toLowerCase()}`,
      orgId: `org_${ulid().toLowerCase()}`,
      handle: uniqueTag(4),
    }
    const user = ulid()
    const baselines = await runBaselines(pool, agent, user, p)
    // Start the load from a clean checkpoint, not in the middle of the baselines' one.
    await pool.query('checkpoint')

    progress(`starting ingest (${INGEST_MAIN}) as its own process`)
    const ingest = await startIngest(dbUrl.toString(), prefix, p)
    const ingestPid = ingest.child.pid!
    await registerAgent(nc, prefix, pool, agent)
    const body = Buffer.from(JSON.stringify(ardenBatch(agent, user, p.batch)))
    progress(`ingest ready at ${ingest.url}; body ${body.length} bytes (${p.batch} events)`)

    let warm: LoadResult | undefined
    if (p.warmup > 0) {
      progress(`warm-up: ${p.clients} clients for ${p.warmup}s`)
      warm = await runLoad(ingest.url, body, p.batch, p.clients, p.warmup)
    }

    const sampler = new pg.Client({
      connectionString: dbUrl.toString(),
      application_name: 'tessera-bench-sampler',
    })
    await sampler.connect()
    cleanups.push(() => sampler.end())
    progress(`load: ${p.clients} clients, ${p.batch} events per request, ${p.seconds}s`)
    const before = await snapshot(sampler, dbName)
    const stopSampler = startSampler(sampler, dbName)
    const tick = setInterval(() => progress('load: running'), 10_000)
    const load = await runLoad(ingest.url, body, p.batch, p.clients, p.seconds).finally(() =>
      clearInterval(tick),
    )
    const loadEnded = performance.now()
    const { procsSeen, backendsSeen, ...sampled } = await stopSampler()
    const after = await snapshot(sampler, dbName)
    for (const [pid, st] of procsSeen) if (!after.procs.has(pid)) after.procs.set(pid, st)
    for (const [pid, b] of backendsSeen)
      if (!after.pgBackends.has(pid)) after.pgBackends.set(pid, b)

    const value = round(load.accepted / load.seconds)
    const latency = latencySummary(load.latenciesMs)
    progress(`load: ${value} events/s accepted, p50 ${latency.p50} ms, p99 ${latency.p99} ms`)

    progress('verifying the log and waiting for the fan-out')
    const verification = await verify(
      pool,
      nc,
      prefix,
      (warm?.accepted ?? 0) + load.accepted,
      loadEnded,
    )
    if (!verification.ok) failed = true

    let profile: unknown
    if (ingest.profileDir) {
      progress('stopping ingest to write its CPU profile')
      await stopIngest(ingest)
      profile = summariseProfile(ingest.profileDir, before.monotonicUs, after.monotonicUs)
    }

    const non2xx = Object.entries(load.status)
      .filter(([s]) => !s.startsWith('2'))
      .reduce((s, [, n]) => s + n, 0)
    const ratio = (b: Baseline) => round(value / b.value, 3)
    report['figures'] = {
      ingest: {
        value,
        unit: 'events/s',
        what: `accepted events/s over HTTP (POST /api/events, ${p.batch} Arden events per request, ${p.clients} keep-alive clients back to back); an event counts once its request got 200`,
        baseline: baselines.copyIndexed,
        ratio: ratio(baselines.copyIndexed),
        otherBaselines: [
          { ...baselines.copyBare, ratio: ratio(baselines.copyBare) },
          { ...baselines.jsonInsert, ratio: ratio(baselines.jsonInsert) },
        ],
        seconds: round(load.seconds, 2),
        requests: load.requests,
        accepted: load.accepted,
        status: load.status,
        non2xx,
        errors: load.errors,
        ...(load.non2xxSamples.length && { non2xxSamples: load.non2xxSamples }),
        latencyMs: { what: 'request sent → response read, every request', ...latency },
        acceptedPerSecond: load.perSecond,
        warmup: warm && {
          seconds: round(warm.seconds, 2),
          accepted: warm.accepted,
          eventsPerSecond: round(warm.accepted / warm.seconds),
        },
        target: {
          what: 'issue target on a 2-core machine: ≥ 40k events/s or ≥ 50% of raw COPY (indexed), with p99 < 100 ms',
          eventsPerSecond: value >= 40_000,
          halfOfCopy: ratio(baselines.copyIndexed) >= 0.5,
          p99Under100ms: latency.p99 < 100,
          met: (value >= 40_000 || ratio(baselines.copyIndexed) >= 0.5) && latency.p99 < 100,
        },
      },
    }
    report['verification'] = verification
    report['whereTheTimeGoes'] = {
      cpu: cpuReport(before, after, ingestPid, dbName, load.accepted),
      io: ioReport(before, after, load.accepted),
      ...sampled,
      ...(profile !== undefined && { ingestCpuProfile: profile }),
    }
  } catch (err) {
    failed = true
    report['error'] = err instanceof Error ? (err.stack ?? err.message) : String(err)
    progress(`failed: ${String(report['error'])}`)
  } finally {
    progress('cleaning up: ingest, database, streams')
    await cleanUp()
  }
  report['totalSeconds'] = round((performance.now() - started) / 1000, 1)
  report['loadAverageAfter'] = os.loadavg().map((l) => round(l, 2))
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
  process.exitCode = failed ? 1 : 0
}

await main()
