import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import type { NatsConnection } from '@nats-io/transport-node'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { eventSubject, streamName, type Actor } from '@tessera/contracts'
import {
  appendToStream,
  eventLogMigrations,
  migrateSchema,
  type EventStoreTables,
} from '@tessera/event-store'
import { startOutboxRelay } from '@tessera/bus'
import {
  eventually,
  freshBus,
  freshSchema,
  metadataFor,
  testDatabaseUrl,
  type TestBus,
  type TestSchema,
} from '@tessera/testing'
import {
  applyBatch,
  projectionMigrations,
  projectionStatus,
  rebuildProjection,
  runProjection,
  type Projection,
  type RebuildProgress,
} from './index.ts'

const actor: Actor = { kind: 'system', id: 'projection-test' }
const quiet = { info() {}, warn() {}, error() {} }
let t: TestSchema<EventStoreTables>
let bus: TestBus
let nc: NatsConnection
let prefix: string

/** Balances per account: order-sensitive (a reset zeroes), so a wrong replay shows. */
function balances(): Projection {
  const s = sql.id(t.schema)
  return {
    name: 'balances',
    source: {
      stream: streamName('escrow', prefix),
      filterSubject: `${eventSubject('escrow', '*', prefix)}`,
    },
    async apply(tx, e) {
      const d = e.data as { account: string; amount?: number }
      if (e.type === 'Credited') {
        await sql`insert into ${s}.balances (account, balance, moves) values (${d.account}, ${d.amount}, 1)
          on conflict (account) do update set balance = ${s}.balances.balance + excluded.balance,
          moves = ${s}.balances.moves + 1`.execute(tx)
      } else if (e.type === 'Zeroed') {
        await sql`update ${s}.balances set balance = 0, moves = moves + 1 where account = ${d.account}`.execute(
          tx,
        )
      }
    },
    async reset(tx) {
      await sql`delete from ${s}.balances`.execute(tx)
    },
  }
}

beforeAll(async () => {
  t = await freshSchema('proj')
  await migrateSchema(t.db, t.schema, {
    ...eventLogMigrations(t.schema),
    ...projectionMigrations(t.schema),
  })
  await sql`create table ${sql.id(t.schema)}.balances (account text primary key, balance bigint not null, moves int not null)`.execute(
    t.db,
  )
  bus = await freshBus('projections-int-test')
  ;({ nc, prefix } = bus)
})
afterAll(async () => {
  await bus.dispose()
  await t.dispose()
})

const rows = async () =>
  (
    await sql<{ account: string; balance: string; moves: number }>`
    select account, balance, moves from ${sql.id(t.schema)}.balances order by account`.execute(t.db)
  ).rows

describe('rebuild', () => {
  it('gives the same rows as the live projection, and reports progress', async () => {
    let n = 0
    for (let i = 0; i < 40; i++) {
      const account = `acct-${i % 9}`
      const events = Array.from({ length: 50 }, (_, j) =>
        (i + j) % 17 === 0
          ? { type: 'Zeroed', data: { account } }
          : { type: 'Credited', data: { account, amount: ((i * 50 + j) % 13) + 1 } },
      )
      n += events.length
      await appendToStream(t.db, t.schema, account, 'any', events, { actor })
    }
    const relay = await startOutboxRelay({
      db: t.db,
      connectionString: testDatabaseUrl(),
      schema: t.schema,
      nc,
      context: 'escrow',
      prefix,
      log: quiet,
    })
    await relay.drain()
    await relay.stop()
    const projection = balances()
    const live = await runProjection({
      nc,
      db: t.db,
      schema: t.schema,
      service: 'projtest',
      projection,
      log: quiet,
      prefix,
    })
    try {
      await eventually(
        async () =>
          (await projectionStatus(t.db, t.schema, 'balances'))?.applied === n ? true : undefined,
        {
          timeoutMs: 30_000,
          what: 'the live projection to catch up',
        },
      )
      const liveRows = await rows()
      expect(liveRows.length).toBe(9)
      const progress: RebuildProgress[] = []
      const result = await rebuildProjection({
        nc,
        db: t.db,
        schema: t.schema,
        projection,
        batchSize: 300,
        onProgress: (p) => progress.push(p),
      })
      expect(result).toMatchObject({ applied: n, total: n, done: true })
      expect(progress.length).toBeGreaterThan(3)
      expect(progress.map((p) => p.applied)).toEqual(
        [...progress.map((p) => p.applied)].sort((a, b) => a - b),
      )
      expect(await rows()).toEqual(liveRows)
      expect((await projectionStatus(t.db, t.schema, 'balances'))?.applied).toBe(n)
    } finally {
      await live.stop()
    }
  })
  it('stops at a batch that fails: the error reaches the caller, the batches before it stay', async () => {
    // the stream holds the events of the test above: 2,000
    const { rows: before } = await sql<{ n: string }>`select count(*) as n
      from ${sql.id(t.schema)}.projection_inbox where projection = 'balances'`.execute(t.db)
    expect(Number(before[0]!.n)).toBeGreaterThan(1000)
    let seen = 0
    const failing: Projection = {
      ...balances(),
      async apply(tx, e) {
        // the 7th batch of 300 fails, while the 8th is already being read
        if (++seen === 6 * 300 + 5) throw new Error('poison at event 1805')
        await balances().apply(tx, e)
      },
    }
    const attempt = rebuildProjection({
      nc,
      db: t.db,
      schema: t.schema,
      projection: failing,
      batchSize: 300,
    })
    await expect(attempt).rejects.toThrow('poison at event 1805')
    const status = await projectionStatus(t.db, t.schema, 'balances')
    expect(status?.applied).toBe(6 * 300)
    const { rows: inbox } = await sql<{ n: string }>`select count(*) as n
      from ${sql.id(t.schema)}.projection_inbox where projection = 'balances'`.execute(t.db)
    expect(Number(inbox[0]!.n)).toBe(6 * 300)
  })

  it('fails, and does not end as caught up, when its source loses messages under it', async () => {
    // its own stream, so the purge touches nothing else
    const stream = `${prefix}PURGED`
    const jsm = await jetstreamManager(nc)
    await jsm.streams.add({ name: stream, subjects: [`${prefix.toLowerCase()}purged.>`] })
    const js = jetstream(nc)
    for (let i = 0; i < 50; i++)
      await js.publish(
        `${prefix.toLowerCase()}purged.e`,
        JSON.stringify({
          type: 'Credited',
          data: { account: 'purged', amount: 1 },
          metadata: metadataFor(`purged-${i}`),
        }),
      )
    let purged = false
    const projection: Projection = {
      ...balances(),
      name: 'purged-source',
      source: { stream, filterSubject: `${prefix.toLowerCase()}purged.>` },
      async apply(tx, e) {
        if (!purged) {
          purged = true
          await jsm.streams.purge(stream)
        }
        await balances().apply(tx, e)
      },
    }
    const attempt = rebuildProjection({
      nc,
      db: t.db,
      schema: t.schema,
      projection,
      batchSize: 10,
      stallMs: 1_000,
    })
    await expect(attempt).rejects.toThrow(
      /stopped before its last message .*no message for 1000 ms/,
    )
    await jsm.streams.delete(stream)
  })
})

describe('a projection that says which events it handles', () => {
  it('acks the others unread: no inbox row, no transaction for them', async () => {
    const stream = 'skip-' + Math.random().toString(36).slice(2, 8)
    const events = Array.from({ length: 60 }, (_, j) =>
      j % 3 === 0
        ? { type: 'Credited', data: { account: stream, amount: 1 } }
        : { type: 'Noise', data: { account: stream } },
    )
    await appendToStream(t.db, t.schema, stream, 'any', events, { actor })
    const relay = await startOutboxRelay({
      db: t.db,
      connectionString: testDatabaseUrl(),
      schema: t.schema,
      nc,
      context: 'escrow',
      prefix,
      log: quiet,
    })
    await relay.drain()
    await relay.stop()
    const projection = { ...balances(), name: 'credits-only', handles: new Set(['Credited']) }
    const live = await runProjection({
      nc,
      db: t.db,
      schema: t.schema,
      service: 'projtest',
      projection,
      log: quiet,
      prefix,
    })
    const s = sql.id(t.schema)
    try {
      const jsm = await jetstreamManager(nc)
      await eventually(
        async () => {
          const info = await jsm.consumers.info(
            streamName('escrow', prefix),
            'projtest-credits-only',
          )
          return info.num_pending === 0 && info.num_ack_pending === 0 ? true : undefined
        },
        { timeoutMs: 30_000, what: 'every message acked' },
      )
      const inbox = await sql<{ n: string }>`select count(*) as n from ${s}.projection_inbox
        where projection = 'credits-only'`.execute(t.db)
      // Every event of the stream reached the consumer (the earlier test's too); only the
      // Credited ones were applied.
      const credited = await sql<{ n: string }>`select count(*) as n from ${s}.events
        where type = 'Credited'`.execute(t.db)
      expect(Number(inbox.rows[0]!.n)).toBe(Number(credited.rows[0]!.n))
      expect((await rows()).find((r) => r.account === stream)).toMatchObject({
        balance: '20',
        moves: 20,
      })
    } finally {
      await live.stop()
    }
  })
})

describe('an idempotent projection', () => {
  it('keeps no inbox row: a redelivered batch is applied again, to no effect', async () => {
    const s = sql.id(t.schema)
    await sql`create table ${s}.seen (event_id uuid primary key)`.execute(t.db)
    const applied: string[] = []
    const set: Projection = {
      name: 'seen-set',
      idempotent: true,
      source: { stream: streamName('escrow', prefix), filterSubject: '' },
      async apply(tx, e) {
        applied.push(e.metadata.eventId)
        await sql`insert into ${s}.seen values (${e.metadata.eventId})
          on conflict do nothing`.execute(tx)
      },
      async reset(tx) {
        await sql`delete from ${s}.seen`.execute(tx)
      },
    }
    const batch = [1, 2, 3].map((sourcePosition) => ({
      envelope: { type: 'Credited', data: {}, metadata: metadataFor('escrow') },
      sourcePosition,
    }))
    const count = async (q: 'seen' | 'inbox', name: string) =>
      Number(
        (
          await (
            q === 'seen'
              ? sql<{ n: string }>`select count(*) as n from ${s}.seen`
              : sql<{ n: string }>`select count(*) as n from ${s}.projection_inbox
                where projection = ${name}`
          ).execute(t.db)
        ).rows[0]!.n,
      )

    expect(await applyBatch(t.db, t.schema, set, batch)).toBe(3)
    expect(await applyBatch(t.db, t.schema, set, batch)).toBe(3)
    expect(applied).toHaveLength(6)
    expect(await count('seen', '')).toBe(3)
    expect(await count('inbox', 'seen-set')).toBe(0)
    // `applied` counts deliveries; the position is the furthest seen
    expect(await projectionStatus(t.db, t.schema, 'seen-set')).toMatchObject({
      applied: 6,
      sourcePosition: 3,
    })

    // Without the opt-in, the inbox turns the second delivery into a no-op.
    applied.length = 0
    const inboxed = { ...set, name: 'seen-set-inbox', idempotent: false }
    expect(await applyBatch(t.db, t.schema, inboxed, batch)).toBe(3)
    expect(await applyBatch(t.db, t.schema, inboxed, batch)).toBe(0)
    expect(applied).toHaveLength(3)
    expect(await count('inbox', 'seen-set-inbox')).toBe(3)
  })
})
