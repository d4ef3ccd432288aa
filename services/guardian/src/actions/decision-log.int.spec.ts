import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import pino from 'pino'
import type { ActionChecked } from '@tessera/contracts'
import { migrateSchema } from '@tessera/event-store'
import { allMigrations } from '@tessera/service-kit'
import { type TestSchema, freshSchema, testDatabaseUrl, uniqueTag } from '@tessera/testing'
import type { GuardianEnv } from '../guardian.env.ts'
import { guardianMigrations } from '../migrations.ts'
import { DecisionLog, appendCheckRows } from './decision-log.ts'

let t: TestSchema<unknown>
let log: DecisionLog

beforeAll(async () => {
  t = await freshSchema('decision_log')
  await migrateSchema(t.db, t.schema, allMigrations({ migrations: guardianMigrations }, t.schema))
  const config = {
    DATABASE_URL: testDatabaseUrl(),
    GUARDIAN_DECISION_LOG_COMMIT: 'sync',
  } as GuardianEnv
  log = new DecisionLog(config, t.schema, pino({ level: 'silent' }))
})
afterAll(async () => {
  await log?.onApplicationShutdown()
  await t?.dispose()
})

const check = (orgId: string, over: Partial<ActionChecked> = {}): ActionChecked => ({
  checkId: `chk_${uniqueTag(13)}`,
  orgId,
  agentId: `agt_${uniqueTag(8)}`,
  action: 'tool_call',
  toolName: 'web_search',
  toolInputSummary: 'weather in Lyon',
  capability: 'web:search',
  effect: 'read',
  effectSource: 'classified',
  confidence: 0.7,
  decision: 'allow',
  reason: 'within the agent capabilities',
  rule: 'agent.capabilities',
  checkedAt: new Date().toISOString(),
  ...over,
})

const stored = async (ids: string[]) => {
  const { rows } = await sql<{ check_id: string }>`select check_id
    from ${sql.id(t.schema, 'action_checks')} where check_id = any(${ids})`.execute(t.db)
  return rows.map((r) => r.check_id).sort()
}

const newSession = async (orgId: string) => {
  const sessionId = `ses_${uniqueTag(8)}`
  await sql`insert into ${sql.id(t.schema, 'sessions')} (session_id, agent_id, org_id, server_id,
    mode, scope_ceiling, status, started_at)
    values (${sessionId}, 'agt_x', ${orgId}, 'srv', 'open', '{}', 'active', now())`.execute(t.db)
  return sessionId
}

const counters = async (sessionId: string) => {
  const { rows } = await sql<{ total_calls: string; denied_calls: string }>`
    select total_calls, denied_calls from ${sql.id(t.schema, 'sessions')}
    where session_id = ${sessionId}`.execute(t.db)
  return { total: Number(rows[0]?.total_calls), denied: Number(rows[0]?.denied_calls) }
}

describe('decision log', () => {
  it("commits other orgs' checks when Postgres refuses one org's row in the same group", async () => {
    const sessionA = await newSession('org_a')
    const goodA = [
      check('org_a', { sessionId: sessionA }),
      check('org_a', { sessionId: sessionA, decision: 'deny' }),
    ]
    // Postgres text cannot hold NUL: this row is refused, whatever the API lets through
    const bad = check('org_c', { toolInputSummary: 'before\u0000after' })
    const goodB = [check('org_b'), check('org_b')]
    const rows = [goodA[0]!, goodB[0]!, bad, goodA[1]!, goodB[1]!]
    // recorded in one turn of the event loop, so they share a group
    const results = await Promise.allSettled(rows.map((r) => log.record(r)))
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ])
    expect(await stored(rows.map((r) => r.checkId))).toEqual(
      [...goodA, ...goodB].map((r) => r.checkId).sort(),
    )
    // the session's counters moved once per committed check, not again on the retry
    expect(await counters(sessionA)).toEqual({ total: 2, denied: 1 })
  })

  it('keeps answering after a refused row', async () => {
    await expect(log.record(check('org_c', { reason: 'nul \u0000' }))).rejects.toThrow()
    const next = check('org_a')
    await log.record(next)
    expect(await stored([next.checkId])).toEqual([next.checkId])
  })

  it('appends a row with the same statement inside a transaction, committing or rolling back with it', async () => {
    const sessionId = await newSession('org_a')
    const kept = check('org_a', { sessionId, decision: 'elevation_required' })
    const dropped = check('org_a', { sessionId })
    await t.db.transaction().execute((tx) => appendCheckRows(tx, t.schema, [kept]))
    await expect(
      t.db.transaction().execute(async (tx) => {
        await appendCheckRows(tx, t.schema, [dropped])
        throw new Error('the approval write failed')
      }),
    ).rejects.toThrow('the approval write failed')
    expect(await stored([kept.checkId, dropped.checkId])).toEqual([kept.checkId])
    expect(await counters(sessionId)).toEqual({ total: 1, denied: 1 })
  })
})
