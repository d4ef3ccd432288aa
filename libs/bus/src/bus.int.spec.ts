import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import {
  HEADERS,
  deadLetterStream,
  deadLetterSubject,
  eventSubject,
  streamName,
  type Actor,
} from '@tessera/contracts'
import { appendToStream, eventLogMigrations, migrateSchema } from '@tessera/event-store'
import {
  eventually,
  freshSchema,
  freshStreamPrefix,
  testDatabaseUrl,
  testNatsUrl,
  type TestSchema,
} from '@tessera/testing'
import { applyBatch, projectionMigrations, runProjection, type Projection } from '@tessera/projections'
import { metadataFor } from './testing/fixtures.ts'
import { connectBus, deleteStreams, provisionStreams, runConsumer, startOutboxRelay } from './index.ts'

const actor: Actor = { kind: 'system', id: 'bus-test' }
const quiet = { info() {}, warn() {}, error() {} }
let t: TestSchema<any>
let nc: NatsConnection
let prefix: string

/** A projection with no unique key on purpose: a duplicate delivery would show as a 2nd row. */
function seenProjection(): Projection {
  const s = sql.id(t.schema)
  return {
    name: 'seen',
    source: {
      stream: streamName('guardian', prefix),
      filterSubject: eventSubject('guardian', 'Tick', prefix),
    },
    async apply(tx, e) {
      await sql`insert into ${s}.seen (event_id, n) values (${e.metadata.eventId}, ${(e.data as { n: number }).n})`.execute(tx)
    },
    async reset(tx) {
      await sql`delete from ${s}.seen`.execute(tx)
    },
  }
}

beforeAll(async () => {
  t = await freshSchema('bus')
  await migrateSchema(t.db, t.schema, { ...eventLogMigrations(t.schema), ...projectionMigrations(t.schema) })
  await sql`create table ${sql.id(t.schema)}.seen (event_id uuid not null, n int not null)`.execute(t.db)
  prefix = freshStreamPrefix()
  nc = await connectBus({ url: testNatsUrl(), name: 'bus-int-test' })
  await provisionStreams(nc, prefix)
})
afterAll(async () => {
  await deleteStreams(nc, prefix)
  await nc.close()
  await t.dispose()
})

async function appendTicks(from: number, count: number) {
  for (let n = from; n < from + count; n += 50) {
    const events = Array.from({ length: Math.min(50, from + count - n) }, (_, i) => ({
      type: 'Tick',
      data: { n: n + i },
    }))
    await appendToStream(t.db, t.schema, `ticker-${n % 7}`, 'any', events, { actor })
  }
}

function startRelayProcess(): { child: ChildProcess; output: () => string } {
  const script = fileURLToPath(new URL('./testing/relay-process.ts', import.meta.url))
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: {
      ...process.env,
      RELAY_DATABASE_URL: testDatabaseUrl(),
      RELAY_NATS_URL: testNatsUrl(),
      RELAY_SCHEMA: t.schema,
      RELAY_PREFIX: prefix,
      RELAY_BATCH: '25',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()))
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()))
  return { child, output: () => out }
}

describe('outbox relay', () => {
  it('loses nothing and duplicates nothing when the relay is SIGKILLed mid-stream', async () => {
    const total = 3000
    await appendTicks(0, total)
    const projection = seenProjection()
    const live = await runProjection({
      nc,
      db: t.db,
      schema: t.schema,
      service: 'bustest',
      projection,
      log: quiet,
      prefix,
    })
    // Kill the relay three times while it is publishing, appending more in between.
    let appended = total
    for (let kill = 0; kill < 3; kill++) {
      const relay = startRelayProcess()
      await eventually(() => (/published \d+ up to/.test(relay.output()) ? true : undefined), {
        timeoutMs: 30_000,
        what: `relay ${kill} to publish (output: ${relay.output()})`,
      })
      relay.child.kill('SIGKILL')
      await new Promise((r) => relay.child.once('exit', r))
      await appendTicks(appended, 500)
      appended += 500
    }
    const relay = startRelayProcess()
    try {
      const s = sql.id(t.schema)
      await eventually(
        async () => {
          const { rows } = await sql<{ c: string; d: string }>`
            select count(*) as c, count(distinct event_id) as d from ${s}.seen`.execute(t.db)
          return Number(rows[0]!.c) >= appended ? rows[0] : undefined
        },
        { timeoutMs: 60_000, what: 'every event to reach the projection' },
      )
      await new Promise((r) => setTimeout(r, 500))
      const { rows } = await sql<{ c: string; d: string; mn: number; mx: number }>`
        select count(*) as c, count(distinct event_id) as d, min(n) as mn, max(n) as mx
        from ${s}.seen`.execute(t.db)
      expect(rows[0]).toEqual({ c: String(appended), d: String(appended), mn: 0, mx: appended - 1 })
      // The stream may hold a few re-published duplicates only if they fell outside the
      // dedup window; within it, JetStream must have dropped every one.
      const jsm = await jetstreamManager(nc)
      const info = await jsm.streams.info(streamName('guardian', prefix))
      expect(info.state.messages).toBe(appended)
    } finally {
      relay.child.kill('SIGKILL')
      await live.stop()
    }
  })

  it('publishes each event with its msg-id, stream id, type and trace context', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'
    const [e] = await appendToStream(t.db, t.schema, 'traced-1', 'any', [{ type: 'Traced', data: {} }], {
      actor,
      traceparent,
    })
    const relay = await startOutboxRelay({
      db: t.db,
      connectionString: testDatabaseUrl(),
      schema: t.schema,
      nc,
      context: 'guardian',
      prefix,
      log: quiet,
    })
    try {
      await relay.drain()
      const jsm = await jetstreamManager(nc)
      const msg = await jsm.streams.getMessage(streamName('guardian', prefix), {
        last_by_subj: eventSubject('guardian', 'Traced', prefix),
      })
      expect(msg!.header.get('Nats-Msg-Id')).toBe(e!.metadata.eventId)
      expect(msg!.header.get(HEADERS.streamId)).toBe('traced-1')
      expect(msg!.header.get(HEADERS.traceparent)).toBe(traceparent)
      expect(msg!.json<{ type: string }>().type).toBe('Traced')
    } finally {
      await relay.stop()
    }
  })
})

describe('dead letters', () => {
  it('moves a poison message to the dead-letter stream with its error and keeps consuming', async () => {
    const js = jetstream(nc)
    const subject = eventSubject('guardian', 'Poison', prefix)
    const good: number[] = []
    const consumer = await runConsumer(
      nc,
      {
        stream: streamName('guardian', prefix),
        durable: 'poison-test',
        filterSubject: subject,
        maxDeliver: 3,
        backoffMs: () => 50,
        batchSize: 10,
        prefix,
      },
      // All-or-nothing like a real transactional handler: a batch holding n=2 fails whole.
      async (batch) => {
        const ns = batch.map((d) => (d.envelope.data as { n: number }).n)
        if (ns.includes(2)) throw new Error('cannot digest n=2')
        good.push(...ns)
      },
      quiet,
    )
    try {
      const poison = [0, 1, 2, 3, 4].map((n) => ({ type: 'Poison', data: { n } }))
      await appendToStream(t.db, t.schema, 'poison-src', 'any', poison, { actor })
      const relay = await startOutboxRelay({
        db: t.db,
        connectionString: testDatabaseUrl(),
        schema: t.schema,
        nc,
        context: 'guardian',
        prefix,
        log: quiet,
      })
      await relay.drain()
      await relay.stop()
      // A later message, after the poison one, is still processed.
      const late = { type: 'Poison', data: { n: 5 }, metadata: metadataFor('late') }
      await js.publish(subject, JSON.stringify(late))
      await eventually(() => (good.includes(5) && good.length === 5 ? true : undefined), {
        timeoutMs: 20_000,
        what: `good messages (got ${good.join()})`,
      })
      expect([...good].sort()).toEqual([0, 1, 3, 4, 5])
      const jsm = await jetstreamManager(nc)
      const dl = await eventually(
        () =>
          jsm.streams
            .getMessage(deadLetterStream(prefix), {
              last_by_subj: deadLetterSubject(streamName('guardian', prefix), 'poison-test', prefix),
            })
            .then((m) => m ?? undefined, () => undefined),
        { what: 'the dead letter' },
      )
      expect(dl!.header.get(HEADERS.error)).toContain('cannot digest n=2')
      expect(dl!.header.get(HEADERS.originalSubject)).toBe(subject)
      expect(dl!.header.get(HEADERS.deliveries)).toBe('3')
      expect(dl!.json<{ data: { n: number } }>().data.n).toBe(2)
    } finally {
      await consumer.stop()
    }
  })
})

describe('projections', () => {
  it('applies a redelivered batch only once', async () => {
    const projection = { ...seenProjection(), name: 'seen-once' }
    const s = sql.id(t.schema)
    const before = await sql<{ c: string }>`select count(*) as c from ${s}.seen`.execute(t.db)
    const batch = [1, 2, 3].map((n) => ({
      envelope: { type: 'Tick', data: { n: 10_000 + n }, metadata: metadataFor(`x${n}`) },
      sourcePosition: n,
    }))
    expect(await applyBatch(t.db, t.schema, projection, batch)).toBe(3)
    expect(await applyBatch(t.db, t.schema, projection, batch)).toBe(0)
    const after = await sql<{ c: string }>`select count(*) as c from ${s}.seen`.execute(t.db)
    expect(Number(after.rows[0]!.c) - Number(before.rows[0]!.c)).toBe(3)
  })
})
