import { afterAll, beforeAll, expect, it } from 'vitest'
import { sql } from 'kysely'
import pino from 'pino'
import type { SchemaDb } from '@tessera/event-store'
import { type TestSchema, eventually, freshSchema, testDatabaseUrl } from '@tessera/testing'
import { DurableScheduler, jobsSchemaOf } from './durable-scheduler.ts'

let t: TestSchema<unknown>
let db: SchemaDb
const ran: { id: number; at: number }[] = []
let failuresLeft = 1

const scheduler = () =>
  new DurableScheduler({
    connectionString: testDatabaseUrl(),
    serviceSchema: t.schema,
    log: pino({ level: 'silent' }),
    pollingIntervalSeconds: 0.5,
  }).on<{ id: number }>('deadline', async ({ id }) => {
    if (id === 3 && failuresLeft-- > 0) throw new Error('a transient failure')
    ran.push({ id, at: Date.now() })
    return Promise.resolve()
  })

beforeAll(async () => {
  t = await freshSchema('scheduler')
  db = t.db as SchemaDb
})
afterAll(async () => {
  await sql`drop schema if exists ${sql.id(jobsSchemaOf(t.schema))} cascade`.execute(t.db)
  await t.dispose()
})

it('runs a job committed with its transaction, at its time, never one rolled back', async () => {
  const s = scheduler()
  await s.start()
  const runAt = Date.now() + 1500
  await db.transaction().execute((tx) => s.scheduleAt(tx, 'deadline', { id: 1 }, new Date(runAt)))
  await db
    .transaction()
    .execute(async (tx) => {
      await s.scheduleAt(tx, 'deadline', { id: 2 }, new Date())
      throw new Error('roll back')
    })
    .catch(() => undefined)
  await db.transaction().execute((tx) => s.scheduleAt(tx, 'deadline', { id: 3 }, new Date()))

  await eventually(() => (ran.some((r) => r.id === 1) ? true : undefined), {
    what: 'job 1 ran',
    timeoutMs: 15_000,
  })
  // a handler that throws is retried
  await eventually(() => (ran.some((r) => r.id === 3) ? true : undefined), {
    what: 'job 3 ran after its retry',
    timeoutMs: 15_000,
  })
  await s.stop()
  expect(ran.find((r) => r.id === 1)!.at).toBeGreaterThanOrEqual(runAt - 50)
  expect(ran.map((r) => r.id).filter((id) => id === 2)).toEqual([])
  expect(ran.filter((r) => r.id === 1)).toHaveLength(1)
})
