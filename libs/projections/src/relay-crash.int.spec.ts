import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { jetstreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { eventSubject, streamName, type Actor } from '@tessera/contracts'
import { appendToStream, eventLogMigrations, migrateSchema } from '@tessera/event-store'
import {
  eventually,
  freshBus,
  freshSchema,
  metadataFor,
  testDatabaseUrl,
  testNatsUrl,
  type TestBus,
  type TestSchema,
} from '@tessera/testing'
import { applyBatch, projectionMigrations, runProjection, type Projection } from './index.ts'

const actor: Actor = { kind: 'system', id: 'relay-crash-test' }
const quiet = { info() {}, warn() {}, error() {} }

let t: TestSchema<unknown>
let bus: TestBus
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
      await sql`insert into ${s}.seen (event_id, n) values (${e.metadata.eventId}, ${(e.data as { n: number }).n})`.execute(
        tx,
      )
    },
    async reset(tx) {
      await sql`delete from ${s}.seen`.execute(tx)
    },
  }
}

beforeAll(async () => {
  t = await freshSchema('relay')
  await migrateSchema(t.db, t.schema, {
    ...eventLogMigrations(t.schema),
    ...projectionMigrations(t.schema),
  })
  await sql`create table ${sql.id(t.schema)}.seen (event_id uuid not null, n int not null)`.execute(
    t.db,
  )
  bus = await freshBus('relay-crash-test')
  ;({ nc, prefix } = bus)
})
afterAll(async () => {
  await bus.dispose()
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
  child.stdout.on('data', (b: Buffer) => (out += b.toString()))
  child.stderr.on('data', (b: Buffer) => (out += b.toString()))
  return { child, output: () => out }
}

describe('outbox relay feeding a projection', () => {
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
