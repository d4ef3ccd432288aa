import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { z } from 'zod'
import { eventLogMigrations, migrateSchema, type SchemaDb } from '@tessera/event-store'
import { expectRebuildEqualsLive, freshSchema, type TestSchema } from '@tessera/testing'
import { EventLog } from './event-log.ts'
import {
  type InlineProjection,
  type InlineRebuildProgress,
  inlineProjection,
  onEvent,
  rebuildInlineProjection,
} from './inline-projection.ts'

const Credited = z.object({ account: z.string(), amount: z.number(), at: z.string() })

/** A balance per account, written from `Credited`; `Refused` makes it throw. */
const balances = inlineProjection({
  name: 'balances',
  tables: ['balances'],
  on: {
    Credited: onEvent(Credited, (tx, s, e) =>
      sql`insert into ${s}.balances (account, balance, updated_at)
        values (${e.account}, ${e.amount}, ${e.at})
        on conflict (account) do update set balance = balances.balance + excluded.balance,
          updated_at = excluded.updated_at`.execute(tx),
    ),
    Refused: onEvent(z.unknown(), () => Promise.reject(new Error('refused by the projection'))),
  },
})

const actor = { kind: 'system' as const, id: 'test' }
let t: TestSchema<unknown>
let db: SchemaDb
let log: EventLog

const credit = (account: string, amount: number, i: number) => ({
  type: 'Credited',
  data: { account, amount, at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString() },
})
const rows = async () =>
  (
    await sql<{ account: string; balance: number }>`select account, balance
      from ${sql.id(t.schema)}.balances order by account`.execute(db)
  ).rows
const eventCount = async () =>
  Number(
    (await sql<{ n: string }>`select count(*) as n from ${sql.id(t.schema)}.events`.execute(db))
      .rows[0]?.n,
  )

beforeAll(async () => {
  t = await freshSchema('service_kit_inline')
  db = t.db as SchemaDb
  await migrateSchema(db, t.schema, eventLogMigrations(t.schema))
  await sql`create table ${sql.id(t.schema)}.balances (account text primary key,
    balance int not null, updated_at timestamptz not null)`.execute(db)
  log = new EventLog(db, t.schema, [balances])
})

afterAll(async () => {
  await t?.dispose()
})

describe('an inline projection', () => {
  it('writes its rows with the append, in a transaction of its own when given none', async () => {
    await log.append('acct-a', 'no_stream', [credit('a', 5, 1), credit('a', 7, 2)], { actor })
    await db.transaction().execute(async (tx) => {
      await log.append('acct-b', 'no_stream', [credit('b', 1, 3)], { actor }, tx)
    })
    expect(await rows()).toEqual([
      { account: 'a', balance: 12 },
      { account: 'b', balance: 1 },
    ])
  })

  it('takes the append down with it when it fails: no event without its rows', async () => {
    const before = await eventCount()
    await expect(
      log.append('acct-a', 'any', [credit('a', 100, 4), { type: 'Refused', data: {} }], {
        actor,
      }),
    ).rejects.toThrow('refused by the projection')
    expect(await eventCount()).toBe(before)
    expect(await rows()).toContainEqual({ account: 'a', balance: 12 })
  })

  it('retries an `any` append whose own transaction lost the race for a version', async () => {
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        log.append('acct-c', 'any', [credit('c', 1, 10 + i)], { actor }),
      ),
    )
    expect(await rows()).toContainEqual({ account: 'c', balance: 8 })
  })

  it('rebuilds from position 0 to the same rows, reporting progress', async () => {
    for (let i = 0; i < 30; i++) {
      await log.append(`acct-${i % 4}`, 'any', [credit(`d${i % 4}`, i, 20 + i)], { actor })
    }
    const live = await rows()
    await sql`update ${sql.id(t.schema)}.balances set balance = -1`.execute(db)
    const progress: InlineRebuildProgress[] = []
    const result = await rebuildInlineProjection({
      db,
      schema: t.schema,
      projection: balances,
      onProgress: (p) => progress.push(p),
    })
    expect(result).toMatchObject({ projection: 'balances', eventsApplied: 41 })
    expect(progress.at(-1)).toMatchObject({ applied: 41, total: 41 })
    expect(await rows()).toEqual(live)
  })

  it('is caught diverging by expectRebuildEqualsLive', async () => {
    await expectRebuildEqualsLive(db, t.schema, [balances])
    const doubled: InlineProjection = {
      ...balances,
      async evolve(tx, schema, event) {
        await balances.evolve(tx, schema, event)
        await balances.evolve(tx, schema, event)
      },
    }
    await expect(expectRebuildEqualsLive(db, t.schema, [doubled])).rejects.toThrow(/balances/)
  })
})
