import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import pg from 'pg'
import { ulid } from 'ulid'
import { connectBus, deleteStreams, provisionStreams, publishEnvelopes } from '@tessera/bus'
import { type ArdenResponse, type TelemetryRecordsMessage, streamName } from '@tessera/contracts'
import { newId } from '@tessera/service-kit'
import {
  eventually,
  freshStreamPrefix,
  killGroupOnExit,
  metadataFor,
  testDatabaseUrl,
  testNatsUrl,
  uniqueTag,
} from '@tessera/testing'

/**
 * Ingest as its own process, SIGKILLed while clients send: every event it acknowledged must
 * be in the log exactly once and on the TELEMETRY stream exactly once, which for the groups
 * the kill caught between commit and publish only the restart's catch-up can do.
 */

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url))
const CLIENTS = 8
const MIN_KILLS = 2
const MAX_KILLS = 5

const tag = uniqueTag()
const database = `crash_${tag}`
const prefix = freshStreamPrefix()
const handle = randomBytes(4).toString('hex')
const agentId = newId('agt')
let admin: pg.Client
let db: pg.Pool
let nc: NatsConnection
let port: number
let child: ChildProcess | undefined
const output: string[] = []

// Should the test process die outright, the child must not outlive it.
killGroupOnExit(() => child)

beforeAll(async () => {
  admin = new pg.Client({ connectionString: testDatabaseUrl() })
  await admin.connect()
  await admin.query(`create database "${database}"`)
  db = new pg.Pool({ connectionString: databaseUrl(), max: 2 })
  nc = await connectBus({ url: testNatsUrl(), name: 'ingest-crash-test' })
  port = await freePort()
  // guardian, simulated: the agent ingest learns about from the GUARDIAN stream
  await provisionStreams(nc, prefix)
  await publishEnvelopes(
    jetstream(nc),
    'guardian',
    [
      {
        type: 'AgentRegistered',
        data: {
          agentId,
          orgId: newId('org'),
          name: 'crash agent',
          framework: 'vitest',
          capabilities: [],
          handle,
          registeredAt: new Date().toISOString(),
        },
        metadata: metadataFor(`agent-${agentId}`),
      },
    ],
    prefix,
  )
})

afterAll(async () => {
  if (child) await kill(child)
  await db?.end()
  // Plain drop, retried while our pool's sockets close (a forced drop would kill them with an
  // error nobody listens for); forced only if something else still holds the database.
  const drop = (force: string) => admin?.query(`drop database if exists "${database}"${force}`)
  await eventually(async () => (await drop(''), true), { timeoutMs: 10_000, what: 'drop' })
    .catch(() => drop(' with (force)'))
    .catch((err: unknown) => console.warn('could not drop', database, err))
  await admin?.end()
  if (nc) {
    await deleteStreams(nc, prefix).catch(() => undefined)
    await nc.drain()
  }
})

function databaseUrl() {
  const url = new URL(testDatabaseUrl())
  url.pathname = `/${database}`
  return url.toString()
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Whether nothing listens on the port any more. */
async function portIsFree(): Promise<boolean> {
  const server = createServer()
  return new Promise((resolve) => {
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

const base = () => `http://127.0.0.1:${port}`

/** Starts `services/ingest/src/main.ts` in a process group of its own and waits until ready. */
async function startIngest(): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'services/ingest/src/main.ts'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl(),
      NATS_URL: testNatsUrl(),
      TESSERA_STREAM_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      INGEST_CATCH_UP_INTERVAL_MS: '500',
      INGEST_RATE_LIMIT_PER_MINUTE: '0',
    },
  })
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString())
    if (output.length > 200) output.shift()
  }
  proc.stdout?.on('data', keep)
  proc.stderr?.on('data', keep)
  let exited = false
  proc.once('exit', () => (exited = true))
  await eventually(
    async () => {
      if (exited) throw new Error(`ingest exited:\n${output.join('')}`)
      const res = await fetch(`${base()}/health/ready`, { signal: AbortSignal.timeout(2000) })
      return res.status === 200 || undefined
    },
    { timeoutMs: 45_000, intervalMs: 100, what: 'ingest to be ready' },
  ).catch((err: unknown) => {
    throw new Error(`${String(err)}\n${output.join('')}`)
  })
  return proc
}

/** SIGKILLs the whole process group and waits until it is gone and the port is free. */
async function kill(proc: ChildProcess) {
  if (proc.exitCode === null && proc.signalCode === null) {
    const gone = new Promise((resolve) => proc.once('exit', resolve))
    process.kill(-proc.pid!, 'SIGKILL')
    await gone
  }
  await eventually(async () => (await portIsFree()) || undefined, { what: 'the port to be free' })
}

interface Clients {
  acked: Set<string>
  requests: { ok: number; failed: number }
  stop(): Promise<void>
}

/** Clients that keep sending 20–100 Arden events per request, remembering every acked id. */
function startClients(): Clients {
  const acked = new Set<string>()
  const requests = { ok: 0, failed: 0 }
  let running = true
  const loop = async (client: number) => {
    const user = ulid()
    let seq = 0
    while (running) {
      const count = 20 + Math.floor(Math.random() * 81)
      const events = Array.from({ length: count }, () => ({
        agent: `A-${handle}`,
        user,
        time: Date.now(),
        data: { client, seq: seq++ },
      }))
      try {
        const res = await fetch(`${base()}/api/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(events),
          signal: AbortSignal.timeout(10_000),
        })
        const body = (await res.json()) as ArdenResponse
        if (res.status >= 200 && res.status < 300) {
          for (const id of body.event_ids) acked.add(id)
          requests.ok++
        } else {
          requests.failed++
        }
      } catch {
        // the process is down, or died mid-request: nothing was acknowledged
        requests.failed++
        await new Promise((r) => setTimeout(r, 50))
      }
    }
  }
  const loops = Array.from({ length: CLIENTS }, (_, i) => loop(i))
  return {
    acked,
    requests,
    async stop() {
      running = false
      await Promise.all(loops)
    },
  }
}

/** Reads the TELEMETRY stream's records messages incrementally: event id → times seen. */
class StreamReader {
  readonly seen = new Map<string, number>()
  messages = 0
  private next = 1
  private readonly stream = streamName('telemetry', prefix)

  async read() {
    const jsm = await jetstreamManager(nc)
    const { state } = await jsm.streams.info(this.stream)
    for (; this.next <= state.last_seq; this.next++) {
      const m = await jsm.streams.getMessage(this.stream, { seq: this.next })
      if (!m?.subject.endsWith('.telemetry.records.batch')) continue
      this.messages++
      for (const r of m.json<TelemetryRecordsMessage>().records) {
        this.seen.set(r.eventId, (this.seen.get(r.eventId) ?? 0) + 1)
      }
    }
  }

  missing(ids: Iterable<string>): string[] {
    return [...ids].filter((id) => !this.seen.has(id))
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const freezes = { n: 0 }

/**
 * Aims the next kill: freezes ingest (SIGSTOP) and looks. If it has acknowledged events the
 * stream has not got, it stays frozen for the kill; if not, it thaws and is looked at again a
 * moment later, until `withinMs` is up.
 */
async function freezeUntilStranded(clients: Clients, stream: StreamReader, withinMs: number) {
  const deadline = Date.now() + withinMs
  for (;;) {
    freezes.n++
    process.kill(-child!.pid!, 'SIGSTOP')
    await sleep(100) // answers and publishes already in the sockets arrive
    await stream.read()
    if (stream.missing(clients.acked).length > 0 || Date.now() > deadline) return
    process.kill(-child!.pid!, 'SIGCONT')
    await sleep(50 + Math.random() * 250)
  }
}

describe('ingest killed with SIGKILL while clients send', () => {
  it(
    'keeps every acknowledged event: in the log once, on the stream once, outbox drained',
    {
      timeout: 120_000,
    },
    async () => {
      child = await startIngest()
      await eventually(
        async () => {
          const { rows } = await db.query('select 1 from ingest.known_agents where agent_id = $1', [
            agentId,
          ])
          return rows.length > 0 || undefined
        },
        { timeoutMs: 20_000, what: 'ingest to know the agent' },
      )

      const clients = startClients()
      const stream = new StreamReader()
      /** Per kill: acked events that were not on the stream when the process died. */
      const strandedAtKill: number[] = []
      const restarts: number[] = []
      try {
        await eventually(() => (clients.acked.size > 0 ? true : undefined), {
          what: 'a first acknowledgement',
        })
        // The first kill lands wherever it lands; the next ones are aimed, until one caught
        // ingest holding acknowledged events it had not yet published.
        while (
          strandedAtKill.length < MIN_KILLS ||
          (strandedAtKill.length < MAX_KILLS && !strandedAtKill.some((n) => n > 0))
        ) {
          await sleep(2000 + Math.random() * 1000)
          if (strandedAtKill.length > 0) await freezeUntilStranded(clients, stream, 6000)
          await kill(child)
          // Dead: nothing more reaches the stream or the clients until the restart.
          await sleep(100)
          await stream.read()
          strandedAtKill.push(stream.missing(clients.acked).length)
          await sleep(300) // clients meet connection errors meanwhile
          const t0 = Date.now()
          child = await startIngest()
          restarts.push(Date.now() - t0)
        }
        await sleep(1500)
      } finally {
        await clients.stop()
      }
      const acked = [...clients.acked]
      console.info(
        `crash: ${acked.length} events acknowledged in ${clients.requests.ok} requests ` +
          `(${clients.requests.failed} failed) across ${strandedAtKill.length} kills; ` +
          `acked but not yet on the stream at each kill: ${strandedAtKill.join(', ')}; ` +
          `${freezes.n} freezes to aim; restarts took ${restarts.join(', ')} ms`,
      )
      expect(
        strandedAtKill.some((n) => n > 0),
        'no kill caught ingest between acknowledging events and publishing them',
      ).toBe(true)

      expect(acked.length).toBeGreaterThan(0)

      // Every acknowledged event reaches the stream, the stranded ones through the catch-up.
      await eventually(
        async () => {
          await stream.read()
          return stream.missing(acked).length === 0 || undefined
        },
        { timeoutMs: 30_000, intervalMs: 250, what: 'every acknowledged event on the stream' },
      ).catch((err: unknown) => {
        const missing = stream.missing(acked)
        throw new Error(`${missing.length} acknowledged events never reached the stream`, {
          cause: err,
        })
      })
      // ... exactly once: a re-published part is a duplicate JetStream drops by Nats-Msg-Id
      const twice = [...stream.seen].filter(([, n]) => n > 1)
      expect(twice, 'event ids in more than one records message').toEqual([])

      // In the log exactly once.
      const { rows: counted } = await db.query<{ n: string; distinct: string }>(
        `select count(*) as n, count(distinct event_id) as distinct from ingest.telemetry_events
       where event_id = any($1::uuid[])`,
        [acked],
      )
      expect(Number(counted[0]!.distinct)).toBe(acked.length)
      expect(Number(counted[0]!.n)).toBe(acked.length)
      const { rows: duplicated } = await db.query(
        `select event_id, count(*) from ingest.telemetry_events group by event_id having count(*) > 1`,
      )
      expect(duplicated).toEqual([])

      // The outbox drains: every committed group was confirmed on the stream.
      await eventually(
        async () => {
          const { rows } = await db.query<{ n: string }>(
            'select count(*) as n from ingest.telemetry_outbox',
          )
          return Number(rows[0]!.n) === 0 || undefined
        },
        { timeoutMs: 30_000, intervalMs: 250, what: 'the outbox to drain' },
      )
      // What the log holds beyond the acked (committed, but the kill ate the answer) is on the
      // stream too, once the outbox is empty.
      await stream.read()
      const { rows: all } = await db.query<{ event_id: string }>(
        'select event_id from ingest.telemetry_events',
      )
      expect(stream.missing(all.map((r) => r.event_id))).toEqual([])
      expect(stream.seen.size).toBe(all.length)
      console.info(
        `crash: ${all.length} events in the log, ${stream.messages} records messages on the stream`,
      )
    },
  )
})
