import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import pg from 'pg'
import { sql } from 'kysely'
import { v7 as uuidv7 } from 'uuid'
import { migrateSchema } from '@tessera/event-store'
import { allMigrations } from '@tessera/service-kit'
import { type TestSchema, freshSchema, testDatabaseUrl } from '@tessera/testing'
import { ingestMigrations } from '../migrations.ts'
import { type CommittedGroup, GroupCommitter, type PendingRecord } from './group-commit.ts'
import { ensurePartitions } from './partitions.ts'

let t: TestSchema<unknown>
let pool: pg.Pool
const committed: CommittedGroup[] = []
let committer: GroupCommitter

const record = (occurredAt = new Date().toISOString()): PendingRecord => ({
  eventId: uuidv7(),
  orgId: 'org_test',
  agentId: 'agt_test',
  protocol: 'arden',
  type: 'arden_event',
  sessionId: null,
  pactId: null,
  occurredAt,
  data: { n: 1 },
})

beforeAll(async () => {
  t = await freshSchema('group_commit')
  await migrateSchema(t.db, t.schema, allMigrations({ migrations: ingestMigrations }, t.schema))
  await ensurePartitions(t.db, t.schema, new Date())
  pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 3 })
  committer = new GroupCommitter(pool, t.schema, {
    maxInFlight: 1,
    onCommitted: (g) => committed.push(g),
  })
})
afterAll(async () => {
  await pool?.end()
  await t?.dispose()
})

const stored = async (ids: string[]) => {
  const { rows } = await sql<{
    n: string
  }>`select count(*) as n from ${sql.id(t.schema, 'telemetry_events')}
    where event_id = any(${ids}::uuid[])`.execute(t.db)
  return Number(rows[0]?.n)
}

describe('group commit', () => {
  it('puts concurrent submissions in one transaction, with one outbox row', async () => {
    const batches = Array.from({ length: 20 }, () => [record(), record()])
    const before = committed.length
    const outcomes = await Promise.all(batches.map((b) => committer.submit(b)))
    const groups = new Set(outcomes.map((o) => (o.stored ? o.groupId : 'none')))
    // submitted in one turn of the event loop: one group (two if a commit was still running)
    expect(groups.size).toBeLessThanOrEqual(2)
    expect(await stored(batches.flat().map((r) => r.eventId))).toBe(40)
    expect(committed.length - before).toBe(groups.size)
    const { rows } = await sql<{
      n: string
    }>`select sum(event_count) as n from ${sql.id(t.schema, 'telemetry_outbox')}
      where group_id = any(${[...groups]}::uuid[])`.execute(t.db)
    expect(Number(rows[0]?.n)).toBe(40)
  })

  it('fails only the request whose row Postgres refuses, not the others in its group', async () => {
    const good1 = [record()]
    const bad = [record('not a time')]
    const good2 = [record(), record()]
    const results = await Promise.allSettled([
      committer.submit(good1),
      committer.submit(bad),
      committer.submit(good2),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(await stored([...good1, ...good2].map((r) => r.eventId))).toBe(3)
    expect(await stored(bad.map((r) => r.eventId))).toBe(0)
  })

  it('stores text with tabs, newlines, CRs and backslashes exactly (COPY escaping)', async () => {
    const tricky = 'a\tb\nc\rd\\e\\N \\t "q"'
    const r = { ...record(), sessionId: tricky, pactId: null, data: { s: tricky, [tricky]: 1 } }
    await committer.submit([r])
    const { rows } = await sql<{ session_id: string; pact_id: string | null; data: unknown }>`
      select session_id, pact_id, data from ${sql.id(t.schema, 'telemetry_events')}
      where event_id = ${r.eventId}::uuid`.execute(t.db)
    expect(rows).toEqual([{ session_id: tricky, pact_id: null, data: { s: tricky, [tricky]: 1 } }])
  })

  it('stores a batch claim once: a second claim of the same key gets the first answer back', async () => {
    const claim = {
      orgId: 'org_test',
      batchId: `b-${uuidv7()}`,
      contentHash: 'h1',
      response: { first: true },
    }
    const [a, b] = await Promise.all([
      committer.submit([record()], claim),
      committer.submit([record()], { ...claim, response: { first: false } }),
    ])
    expect(a).toMatchObject({ stored: true })
    expect(b).toEqual({ stored: false, existing: { contentHash: 'h1', response: { first: true } } })
  })
})
