import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { freshSchema, type TestSchema } from '@tessera/testing'
import type { Actor } from '@tessera/contracts'
import {
  ConcurrencyError,
  LOG_START,
  appendToStream,
  appendToStreams,
  eventLogMigrations,
  loadCheckpoint,
  saveCheckpoint,
  migrateSchema,
  pendingMigrations,
  readAll,
  readStream,
  readStreams,
  type EventStoreTables,
  type ExpectedVersion,
  type LogCheckpoint,
  type StreamAppend,
} from './index.ts'

const actor: Actor = { kind: 'system', id: 'test' }
let t: TestSchema<EventStoreTables>

beforeAll(async () => {
  t = await freshSchema<EventStoreTables>('es', 60)
  await migrateSchema(t.db, t.schema, eventLogMigrations(t.schema))
})
afterAll(() => t.dispose())

describe('appendToStream', () => {
  it('stores events with versions and reads the stream back in order', async () => {
    const out = await appendToStream(
      t.db,
      t.schema,
      'order-1',
      'no_stream',
      [
        { type: 'Opened', data: { a: 1 } },
        { type: 'Closed', data: { b: 'x' } },
      ],
      { actor, correlationId: 'corr-1' },
    )
    expect(out.map((e) => e.metadata.streamVersion)).toEqual([1, 2])
    const read = await readStream(t.db, t.schema, 'order-1')
    expect(read.map((e) => [e.type, e.data, e.metadata.correlationId])).toEqual([
      ['Opened', { a: 1 }, 'corr-1'],
      ['Closed', { b: 'x' }, 'corr-1'],
    ])
    expect(read[0]!.metadata.eventId).toMatch(/^[0-9a-f-]{36}$/)
    expect(await pendingMigrations(t.db, t.schema, eventLogMigrations(t.schema))).toEqual([])
  })

  it('rejects a stale expected version with a typed error naming the actual version', async () => {
    await appendToStream(t.db, t.schema, 'order-2', 0, [{ type: 'A', data: {} }], { actor })
    const err = await appendToStream(t.db, t.schema, 'order-2', 0, [{ type: 'B', data: {} }], {
      actor,
    }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ConcurrencyError)
    expect((err as ConcurrencyError).actual).toBe(1)
    expect((err as ConcurrencyError).code).toBe('CONCURRENCY_CONFLICT')
  })

  it('reports a conflict inside a transaction as a ConcurrencyError, not an aborted transaction', async () => {
    let release = () => {}
    const held = new Promise<void>((r) => (release = r))
    const first = t.db.transaction().execute(async (tx) => {
      await appendToStream(tx, t.schema, 'tx-race', 0, [{ type: 'A', data: {} }], { actor })
      await held
    })
    // the second insert waits on the first's uncommitted row, then hits the unique index
    const second = t.db
      .transaction()
      .execute((tx) =>
        appendToStream(tx, t.schema, 'tx-race', 0, [{ type: 'B', data: {} }], { actor }),
      )
      .catch((e: unknown) => e)
    await new Promise((r) => setTimeout(r, 200))
    release()
    await first
    const err = await second
    expect(err).toBeInstanceOf(ConcurrencyError)
    expect(err).toMatchObject({ code: 'CONCURRENCY_CONFLICT', actual: undefined })
  })

  it('lets exactly one of 50 concurrent appenders win each version', async () => {
    const stream = 'contended'
    let wins = 0
    let conflicts = 0
    for (let version = 0; version < 5; version++) {
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) =>
          appendToStream(t.db, t.schema, stream, version, [{ type: 'Bid', data: { i } }], {
            actor,
          }),
        ),
      )
      const won = results.filter((r) => r.status === 'fulfilled')
      const lost = results.filter((r) => r.status === 'rejected')
      expect(won).toHaveLength(1)
      expect(lost).toHaveLength(49)
      for (const l of lost) expect(l.reason).toBeInstanceOf(ConcurrencyError)
      wins += won.length
      conflicts += lost.length
    }
    const events = await readStream(t.db, t.schema, stream)
    expect(events.map((e) => e.metadata.streamVersion)).toEqual([1, 2, 3, 4, 5])
    expect(wins).toBe(5)
    expect(conflicts).toBe(245)
  })
})

describe('appendToStreams', () => {
  it('appends to several streams in one statement, each at its version, with its own context', async () => {
    await appendToStream(t.db, t.schema, 'multi-a', 'no_stream', [{ type: 'A1', data: {} }], {
      actor,
    })
    const out = await t.db.transaction().execute((tx) =>
      appendToStreams(tx, t.schema, [
        {
          streamId: 'multi-a',
          expected: 1,
          events: [
            { type: 'A2', data: { n: 2 } },
            { type: 'A3', data: { n: 3 } },
          ],
          ctx: { actor, correlationId: 'corr-a' },
        },
        {
          streamId: 'multi-b',
          expected: 'no_stream',
          events: [{ type: 'B1', data: { n: 1 } }],
          ctx: { actor: { kind: 'system', id: 'other' } },
        },
      ]),
    )
    expect(out.map((es) => es.map((e) => [e.type, e.metadata.streamVersion]))).toEqual([
      [
        ['A2', 2],
        ['A3', 3],
      ],
      [['B1', 1]],
    ])
    const streams = await readStreams(t.db, t.schema, ['multi-a', 'multi-b', 'multi-none'])
    expect(streams.get('multi-a')!.map((e) => [e.type, e.metadata.correlationId])).toEqual([
      ['A1', streams.get('multi-a')![0]!.metadata.eventId],
      ['A2', 'corr-a'],
      ['A3', 'corr-a'],
    ])
    expect(streams.get('multi-b')!.map((e) => e.metadata.actor.id)).toEqual(['other'])
    expect(streams.get('multi-none')).toEqual([])
    // positions follow the order given, so a reader sees each stream's events in version order
    const positions = out.flat().map((e) => BigInt(e.metadata.position))
    expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions)
  })

  it('keeps nothing when one stream moved past its expected version', async () => {
    await appendToStream(t.db, t.schema, 'multi-c', 'no_stream', [{ type: 'C1', data: {} }], {
      actor,
    })
    const attempt = t.db.transaction().execute((tx) =>
      appendToStreams(tx, t.schema, [
        {
          streamId: 'multi-d',
          expected: 'no_stream',
          events: [{ type: 'D1', data: {} }],
          ctx: { actor },
        },
        {
          streamId: 'multi-c',
          expected: 'no_stream',
          events: [{ type: 'C2', data: {} }],
          ctx: { actor },
        },
      ]),
    )
    await expect(attempt).rejects.toMatchObject({
      name: ConcurrencyError.name,
      streamId: 'multi-c',
    })
    const streams = await readStreams(t.db, t.schema, ['multi-c', 'multi-d'])
    expect(streams.get('multi-c')!.map((e) => e.type)).toEqual(['C1'])
    expect(streams.get('multi-d')).toEqual([])
  })

  it("appends 'any' after whatever each stream holds, new or not, beside checked ones", async () => {
    await appendToStream(t.db, t.schema, 'multi-f', 'no_stream', [{ type: 'F1', data: {} }], {
      actor,
    })
    /** One event of `type` on `streamId` at `expected`. */
    const one = (streamId: string, expected: ExpectedVersion, type: string): StreamAppend => ({
      streamId,
      expected,
      events: [{ type, data: {} }],
      ctx: { actor },
    })
    const anys = [one('multi-f', 'any', 'F2'), one('multi-g', 'any', 'G1')]
    const out = await t.db
      .transaction()
      .execute((tx) => appendToStreams(tx, t.schema, [...anys, one('multi-h', 3, 'H1')]))
      .catch((e: unknown) => e)
    // a checked stream that is not at its version still refuses the whole call, 'any' ones too
    expect(out).toMatchObject({ name: ConcurrencyError.name, streamId: 'multi-h' })
    const ok = await t.db.transaction().execute((tx) => appendToStreams(tx, t.schema, anys))
    expect(ok.map((es) => es.map((e) => [e.type, e.metadata.streamVersion]))).toEqual([
      [['F2', 2]],
      [['G1', 1]],
    ])
  })

  it('refuses one stream twice in a call', async () => {
    const twice = t.db.transaction().execute((tx) =>
      appendToStreams(tx, t.schema, [
        {
          streamId: 'multi-e',
          expected: 'no_stream',
          events: [{ type: 'E1', data: {} }],
          ctx: { actor },
        },
        { streamId: 'multi-e', expected: 1, events: [{ type: 'E2', data: {} }], ctx: { actor } },
      ]),
    )
    await expect(twice).rejects.toThrow(/multi-e twice/)
    expect((await readStreams(t.db, t.schema, ['multi-e'])).get('multi-e')).toEqual([])
  })
})

describe('checkpoints', () => {
  it('only move forward, so a slow writer cannot rewind a reader', async () => {
    await saveCheckpoint(t.db, t.schema, 'reader', { transactionId: '10', position: '5' })
    await saveCheckpoint(t.db, t.schema, 'reader', { transactionId: '9', position: '7' })
    expect(await loadCheckpoint(t.db, t.schema, 'reader')).toEqual({
      transactionId: '10',
      position: '5',
    })
    await saveCheckpoint(t.db, t.schema, 'reader', { transactionId: '10', position: '6' })
    expect(await loadCheckpoint(t.db, t.schema, 'reader')).toEqual({
      transactionId: '10',
      position: '6',
    })
  })
})

describe('append-only enforcement', () => {
  it('refuses UPDATE, DELETE and TRUNCATE on the events table', async () => {
    await appendToStream(t.db, t.schema, 'immutable', 'any', [{ type: 'X', data: {} }], { actor })
    const s = sql.id(t.schema)
    await expect(sql`update ${s}.events set type = 'Y'`.execute(t.db)).rejects.toThrow(
      /append-only/,
    )
    await expect(sql`delete from ${s}.events`.execute(t.db)).rejects.toThrow(/append-only/)
    await expect(sql`truncate ${s}.events`.execute(t.db)).rejects.toThrow(/append-only/)
    expect((await readStream(t.db, t.schema, 'immutable')).length).toBe(1)
  })
})

describe('readAll by global position', () => {
  it('never skips an event committed behind a reader, across many concurrent writers', async () => {
    const { db } = t
    const runs = 5
    for (let run = 0; run < runs; run++) {
      const prefix = `run${run}-`
      const expected = new Set<string>()
      let writersDone = false
      let writersDoneAt = 0
      const seen: string[] = []
      let cursor: LogCheckpoint = LOG_START
      // Start from the current end of the log so earlier tests' events are not counted.
      for (;;) {
        const batch = await readAll(db, t.schema, cursor, 1000)
        if (batch.length === 0) break
        cursor = batch.at(-1)!.checkpoint
      }
      const versions = new Map<string, number>()
      let outOfOrder = 0
      const reader = (async () => {
        // Visibility waits for the oldest running transaction in the whole cluster (other test
        // files included), so the reader stops when it has seen everything, not at an empty read.
        const deadline = () => writersDone && Date.now() > writersDoneAt + 30_000
        while (!(writersDone && seen.length >= expected.size) && !deadline()) {
          const batch = await readAll(db, t.schema, cursor, 50)
          for (const e of batch) {
            if (!e.metadata.streamId.startsWith(prefix)) continue
            seen.push(e.metadata.eventId)
            const last = versions.get(e.metadata.streamId) ?? 0
            if (e.metadata.streamVersion !== last + 1) outOfOrder++
            versions.set(e.metadata.streamId, e.metadata.streamVersion)
          }
          if (batch.length > 0) cursor = batch.at(-1)!.checkpoint
          else await new Promise((r) => setTimeout(r, 2))
        }
      })()
      // 20 writers; each holds its transaction open a random while after inserting, so
      // positions are taken in one order and committed in another.
      await Promise.all(
        Array.from({ length: 20 }, (_, w) =>
          (async () => {
            for (let n = 0; n < 10; n++) {
              const ids = await db.transaction().execute(async (tx) => {
                const out = await appendToStream(
                  tx,
                  t.schema,
                  `${prefix}w${w}-s${n % 3}`,
                  'any',
                  [{ type: 'E', data: { w, n } }],
                  { actor },
                )
                await new Promise((r) => setTimeout(r, Math.random() * 15))
                return out.map((e) => e.metadata.eventId)
              })
              for (const id of ids) expected.add(id)
            }
          })(),
        ),
      )
      writersDoneAt = Date.now()
      writersDone = true
      await reader
      expect(outOfOrder).toBe(0)
      expect(seen.length).toBe(expected.size)
      expect(new Set(seen)).toEqual(expected)
    }
  })

  it('orders transaction ids numerically, not as text (999 before 1000)', async () => {
    const scratch = await freshSchema<EventStoreTables>('order')
    try {
      await migrateSchema(scratch.db, scratch.schema, eventLogMigrations(scratch.schema))
      const s = sql.id(scratch.schema)
      // Forge two old transaction ids that straddle a digit boundary.
      for (const [tx, id] of [
        ['1000', '0190a000-0000-7000-8000-000000000002'],
        ['999', '0190a000-0000-7000-8000-000000000001'],
      ] as const) {
        await sql`insert into ${s}.events
          (transaction_id, stream_id, stream_version, event_id, type, data, metadata)
          values (${tx}::xid8, ${'s-' + tx}, 1, ${id}, 'E', '{}', '{}')`.execute(scratch.db)
      }
      const first = await readAll(scratch.db, scratch.schema, LOG_START, 1)
      expect(first[0]!.checkpoint.transactionId).toBe('999')
      const rest = await readAll(scratch.db, scratch.schema, first[0]!.checkpoint, 10)
      expect(rest.map((e) => e.checkpoint.transactionId)).toEqual(['1000'])
    } finally {
      await scratch.dispose()
    }
  })

  it('returns events in a stable order that a second reader reproduces', async () => {
    const a = await readAll(t.db, t.schema, LOG_START, 100_000)
    const b = await readAll(t.db, t.schema, LOG_START, 100_000)
    expect(a.map((e) => e.metadata.eventId)).toEqual(b.map((e) => e.metadata.eventId))
    expect(new Set(a.map((e) => e.metadata.eventId)).size).toBe(a.length)
  })
})
