import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { eventually, expectRebuildEqualsLive, snapshotTables } from '@tessera/testing'
import { type InlineProjection, rebuildInlineProjection } from '@tessera/service-kit'
import { GuardianHarness, type Json, callJson } from './testing/guardian-harness.ts'
import { guardianProjections } from './projections.ts'

/**
 * Every read table guardian writes is a projection of its log: a history built through the
 * API, then each table rebuilt from position 0, gives the live rows back, column for column.
 */
const TOKEN = 'projections-int-bootstrap-token'
let h: GuardianHarness
let key: string

async function ok(method: string, path: string, body?: unknown): Promise<Json> {
  const res = await callJson(h.url, method, path, key, body)
  if (res.status >= 300) {
    throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`)
  }
  return res.body
}
const id = (body: Json, field: string) => String(body[field])

beforeAll(async () => {
  h = await GuardianHarness.start(TOKEN, 1, { GUARDIAN_APPROVAL_SWEEP_MS: '200' })
  const org = async (name: string) =>
    id((await callJson(h.url, 'POST', '/v1/orgs', TOKEN, { name })).body, 'apiKey')
  const other = await org('Other')
  key = await org('Rebuild')
  const agent = (name: string) =>
    ok('POST', '/v1/agents', { name, framework: 't', capabilities: ['web:search', 'db:*'] })
  const [alice, bob, carol, dave] = await Promise.all(
    ['alice', 'bob', 'carol', 'dave'].map(async (n) => id(await agent(n), 'id')),
  )

  // tokens: one kept, one revoked, one whose agent is revoked below
  await ok('POST', '/v1/tokens', { agentId: alice, scopes: ['web:search'] })
  const revoked = await ok('POST', '/v1/tokens', { agentId: alice, scopes: ['db:read'] })
  await ok('POST', `/v1/tokens/${id(revoked, 'tokenId')}/revoke`)
  await ok('POST', '/v1/tokens', { agentId: dave, scopes: ['web:search'] })

  // sessions: one open with checks counted, one closed by its agent's revocation
  const open = await ok('POST', '/v1/sessions', { agentId: alice, serverId: 's', mode: 'open' })
  for (const toolName of ['web_search', 'web_search', 'db_delete']) {
    await ok('POST', '/v1/actions/check', {
      agentId: alice,
      toolName,
      sessionId: id(open, 'sessionId'),
    })
  }
  await ok('POST', '/v1/sessions', { agentId: dave, serverId: 's', mode: 'restricted' })

  // delegations: a chain alice → bob → carol with a session under it; the middle revoked
  const d1 = await ok('POST', '/v1/delegations', {
    fromAgentId: alice,
    toAgentId: bob,
    scope: ['web:search'],
    ttlSeconds: 600,
  })
  const d2 = await ok('POST', '/v1/delegations', {
    fromAgentId: bob,
    toAgentId: carol,
    scope: ['web:search'],
    ttlSeconds: 300,
    parentDelegationId: id(d1, 'delegationId'),
  })
  await ok('POST', `/v1/delegations/${id(d2, 'delegationId')}/sessions`, { serverId: 'mcp' })
  await ok('POST', `/v1/delegations/${id(d1, 'delegationId')}/revoke`, { note: 'done' })
  await ok('POST', '/v1/delegations', {
    fromAgentId: carol,
    toAgentId: dave,
    scope: ['web:search'],
    ttlSeconds: 600,
  })

  // cards: one published twice (the second replaces it), one unpublished, one withdrawn by
  // its agent's revocation below
  await ok('POST', `/v1/agents/${alice}/card/publish`, { description: 'first' })
  await ok('POST', `/v1/agents/${alice}/card/publish`, { description: 'second' })
  await ok('POST', `/v1/agents/${bob}/card/publish`)
  await ok('POST', `/v1/agents/${carol}/card/publish`)
  await ok('POST', `/v1/agents/${carol}/card/unpublish`)
  await ok('POST', `/v1/agents/${dave}/card/publish`)

  // an agent revoked: its session closes, its delegations from and to it are revoked, its
  // card withdrawn
  await ok('POST', `/v1/agents/${dave}/revoke`, { reason: 'compromised' })

  // approvals: one approved then used up, one denied
  const supervised = await ok('POST', '/v1/sessions', {
    agentId: alice,
    serverId: 's',
    mode: 'supervised',
  })
  const check = (toolName: string) =>
    ok('POST', '/v1/actions/check', {
      agentId: alice,
      sessionId: id(supervised, 'sessionId'),
      toolName,
      toolInputSummary: 'drop the staging table',
    })
  const approved = id(await check('db_delete'), 'approvalId')
  await ok('POST', `/v1/approvals/${approved}/approve`, { decidedBy: 'ops@example.com' })
  expect(await check('db_delete')).toMatchObject({ decision: 'allow', approvalId: approved })
  const denied = id(await check('db_drop'), 'approvalId')
  await ok('POST', `/v1/approvals/${denied}/deny`, { decidedBy: 'ops@example.com', reason: 'no' })

  // policies: set twice, so the row is the second version
  const rules = [{ name: 'no-prod', decision: 'deny', tools: ['prod_*'] }]
  await ok('PUT', '/v1/guard/policy', { rules })
  await ok('PUT', '/v1/guard/policy', { rules, approvalWindowSeconds: 120 })

  // keys: one issued and revoked, one kept
  const member = await ok('POST', '/v1/keys', { name: 'runtime', role: 'member' })
  await ok('POST', `/v1/keys/${id(member, 'keyId')}/revoke`)
  await ok('POST', '/v1/keys', { name: 'approver', role: 'approver' })

  // and in another org, an approval that lapses: the sweeper records it expired
  key = other
  await ok('PUT', '/v1/guard/policy', { rules: [], approvalWindowSeconds: 1 })
  const eve = id(await agent('eve'), 'id')
  const s2 = await ok('POST', '/v1/sessions', { agentId: eve, serverId: 's', mode: 'supervised' })
  const lapsing = await ok('POST', '/v1/actions/check', {
    agentId: eve,
    sessionId: id(s2, 'sessionId'),
    toolName: 'db_delete',
  })
  // the API shows a lapsed approval expired at once; wait for the sweeper's event and row
  await eventually(
    async () => {
      const { rows } = await sql<{ status: string }>`select status
        from ${sql.id(h.schema)}.approvals where approval_id = ${id(lapsing, 'approvalId')}`.execute(
        h.db,
      )
      return rows[0]?.status === 'expired' || undefined
    },
    { timeoutMs: 20_000, what: 'the sweeper to expire the approval' },
  )
})

afterAll(async () => {
  await h?.stop()
})

describe('guardian inline projections', () => {
  it('rebuild every read table from the log, row for row', async () => {
    const counts = await expectRebuildEqualsLive(h.db, h.schema, guardianProjections)
    for (const [table, n] of Object.entries(counts)) {
      expect(n, `${table} has rows to compare`).toBeGreaterThan(0)
    }
    expect(Object.keys(counts)).toContain('orgs')
    // an org's time is its OrgCreated's, not the clock's at the insert
    const orgs = await sql<{ same: boolean }>`select o.created_at
        = (e.data->>'createdAt')::timestamptz as same
      from ${sql.id(h.schema)}.orgs o join ${sql.id(h.schema)}.events e
        on e.type = 'OrgCreated' and e.data->>'orgId' = o.org_id`.execute(h.db)
    expect(orgs.rows).toEqual([{ same: true }, { same: true }])
    const { rows } = await sql<{ status: string; consumed: boolean }>`select status,
        consumed_at is not null as consumed
      from ${sql.id(h.schema)}.approvals order by requested_at`.execute(h.db)
    expect(rows).toEqual([
      { status: 'approved', consumed: true },
      { status: 'denied', consumed: false },
      { status: 'expired', consumed: false },
    ])
    const cards = await sql<{ agent_id: string; card: string }>`select agent_id, card
      from ${sql.id(h.schema)}.agent_cards`.execute(h.db)
    // alice's second card and bob's: carol's was unpublished, dave's withdrawn
    const descriptions = cards.rows.map((r) => (JSON.parse(r.card) as Json)['description'])
    expect(descriptions).toHaveLength(2)
    expect(descriptions).toContain('second')
    const calls = await sql<{ total_calls: string }>`select total_calls
      from ${sql.id(h.schema)}.sessions where total_calls > 0 order by started_at`.execute(h.db)
    expect(calls.rows.map((r) => Number(r.total_calls))).toEqual([3, 3, 1])
  })

  it('fail when an evolve writes what the service did not', async () => {
    const sessions = guardianProjections.find((p) => p.name === 'sessions')!
    const broken: InlineProjection = {
      ...sessions,
      async evolve(tx, schema, event) {
        await sessions.evolve(tx, schema, event)
        // e.g. a close time taken from the clock instead of the event
        if (event.type === 'SessionClosed') {
          await sql`update ${sql.id(schema)}.sessions set closed_at = now()`.execute(tx)
        }
      },
    }
    const before = await snapshotTables(h.db, h.schema, sessions.tables)
    await expect(expectRebuildEqualsLive(h.db, h.schema, [broken])).rejects.toThrow(/sessions/)
    // the right evolve puts the rows back
    await rebuildInlineProjection({ db: h.db, schema: h.schema, projection: sessions })
    expect(await snapshotTables(h.db, h.schema, sessions.tables)).toEqual(before)
  })
})
