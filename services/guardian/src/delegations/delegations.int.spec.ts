import { describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import type { Json } from '../testing/guardian-harness.ts'
import { delegationsGuardian } from '../testing/delegations-guardian.ts'

const { t, call, newAgent, delegate, chain } = delegationsGuardian(
  'delegations-int-bootstrap-token',
)

describe('delegations', () => {
  it("delegate within the delegator's capabilities, readable only by its org", async () => {
    const [alice, bob] = [await newAgent(), await newAgent([])]
    const before = Date.now()
    const res = await call('POST', '/v1/delegations', t.keyA, {
      fromAgentId: alice,
      toAgentId: bob,
      scope: ['web:search', 'files:read'],
      ttlSeconds: 600,
    })
    expect(res.status).toBe(201)
    const id = String(res.body['delegationId'])
    expect(id).toMatch(/^dlg_[0-9a-z]{26}$/)
    expect(res.body).toMatchObject({
      fromAgentId: alice,
      toAgentId: bob,
      scope: ['web:search', 'files:read'],
      parentDelegationId: null,
      rootDelegationId: id,
      depth: 1,
      status: 'active',
      revokedAt: null,
    })
    const ttl = Date.parse(String(res.body['expiresAt'])) - before
    expect(ttl).toBeGreaterThan(599_000)
    expect(ttl).toBeLessThan(610_000)
    expect(await call('GET', `/v1/delegations/${id}`, t.keyA)).toEqual({
      status: 200,
      body: res.body,
    })
    expect((await call('GET', `/v1/delegations/${id}`, t.keyB)).status).toBe(404)
    const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.id(t.h.schema)}.events
      where stream_id = ${`delegation-${id}`} and type = 'DelegationCreated'`.execute(t.h.db)
    expect(Number(rows[0]?.n)).toBe(1)
  })

  it('refuse scope the delegator does not hold, at the root and down the chain', async () => {
    const { alice, bob, carol, d1, d2 } = await chain()
    const beyond = await call('POST', '/v1/delegations', t.keyA, {
      fromAgentId: alice,
      toAgentId: bob,
      scope: ['files:write', 'web:search'],
      ttlSeconds: 60,
    })
    expect(beyond).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_ERROR', details: { field: 'scope', notGranted: ['files:write'] } },
    })
    // carol holds web:* by d2 only: files:read, which d1 carried, did not reach her
    const wider = await call('POST', '/v1/delegations', t.keyA, {
      fromAgentId: carol,
      toAgentId: alice,
      scope: ['files:read'],
      ttlSeconds: 60,
      parentDelegationId: d2['delegationId'],
    })
    expect(wider).toMatchObject({ status: 400, body: { details: { notGranted: ['files:read'] } } })
    // nor may bob re-delegate under a delegation that was not made to him
    const notHis = await call('POST', '/v1/delegations', t.keyA, {
      fromAgentId: alice,
      toAgentId: carol,
      scope: ['web:search'],
      ttlSeconds: 60,
      parentDelegationId: d1['delegationId'],
    })
    expect(notHis).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_ERROR', details: { field: 'parentDelegationId' } },
    })
  })

  it('stop chains at depth 3 and cap every expiry at the parent’s', async () => {
    const { dave, alice, d1, d2, d3 } = await chain()
    expect([d1['depth'], d2['depth'], d3['depth']]).toEqual([1, 2, 3])
    expect(new Set([d2['rootDelegationId'], d3['rootDelegationId']])).toEqual(
      new Set([d1['delegationId']]),
    )
    const [alice2, bob2] = [await newAgent(), await newAgent([])]
    const short = await delegate({
      fromAgentId: alice2,
      toAgentId: bob2,
      scope: ['web:*'],
      ttlSeconds: 120,
    })
    const long = await delegate({
      fromAgentId: bob2,
      toAgentId: alice,
      scope: ['web:search'],
      ttlSeconds: 86_400,
      parentDelegationId: short['delegationId'],
    })
    expect(long['expiresAt']).toBe(short['expiresAt'])
    const deeper = await call('POST', '/v1/delegations', t.keyA, {
      fromAgentId: dave,
      toAgentId: alice,
      scope: ['web:search'],
      ttlSeconds: 60,
      parentDelegationId: d3['delegationId'],
    })
    expect(deeper).toMatchObject({
      status: 400,
      body: { code: 'DELEGATION_DEPTH_EXCEEDED', details: { depth: 4, maxDepth: 3 } },
    })
  })

  it("keep to the caller's org, refuse self-delegation and revoked agents", async () => {
    const [alice, bob] = [await newAgent(), await newAgent([])]
    const stranger = await newAgent(['web:*'], t.keyB)
    const base = { fromAgentId: alice, toAgentId: bob, scope: ['web:search'], ttlSeconds: 60 }
    const toStranger = await call('POST', '/v1/delegations', t.keyA, {
      ...base,
      toAgentId: stranger,
    })
    expect(toStranger).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } })
    // the same answer as for an id nobody has
    const unknown = await call('POST', '/v1/delegations', t.keyA, {
      ...base,
      toAgentId: 'agt_00000000000000000000000000',
    })
    expect(unknown.status).toBe(404)
    expect((await call('POST', '/v1/delegations', t.keyB, base)).status).toBe(404)
    const self = await call('POST', '/v1/delegations', t.keyA, { ...base, toAgentId: alice })
    expect(self).toMatchObject({ status: 400, body: { details: { field: 'toAgentId' } } })
    const ttl = await call('POST', '/v1/delegations', t.keyA, { ...base, ttlSeconds: 86_401 })
    expect(ttl.status).toBe(400)
    const d = await delegate(base)
    expect(
      (
        await call('POST', '/v1/delegations', t.keyB, {
          ...base,
          parentDelegationId: d['delegationId'],
        })
      ).status,
    ).toBe(404)
    await call('POST', `/v1/agents/${bob}/revoke`, t.keyA, { reason: 'gone' })
    const late = await call('POST', '/v1/delegations', t.keyA, base)
    expect(late).toMatchObject({ status: 409, body: { code: 'AGENT_REVOKED' } })
  })
})

describe('listing delegations', () => {
  it("pages the org's, newest first, by agent and status", async () => {
    const [alice, bob, carol] = [await newAgent(), await newAgent([]), await newAgent([])]
    const a = await delegate({ fromAgentId: alice, toAgentId: bob, scope: ['web:search'] })
    const b = await delegate({ fromAgentId: alice, toAgentId: carol, scope: ['web:search'] })
    const c = await delegate({
      fromAgentId: bob,
      toAgentId: carol,
      scope: ['web:search'],
      parentDelegationId: a['delegationId'],
    })
    await call('POST', `/v1/delegations/${String(b['delegationId'])}/revoke`, t.keyA)
    const ids = (page: { body: Json }) =>
      (page.body['items'] as Json[]).map((d) => d['delegationId'])

    const first = await call('GET', `/v1/delegations?agentId=${carol}&limit=1`, t.keyA)
    expect(ids(first)).toEqual([c['delegationId']])
    const second = await call(
      'GET',
      `/v1/delegations?agentId=${carol}&limit=1&cursor=${String(first.body['nextCursor'])}`,
      t.keyA,
    )
    expect(ids(second)).toEqual([b['delegationId']])
    expect(second.body['nextCursor']).toBeNull()
    expect(ids(await call('GET', `/v1/delegations?agentId=${bob}`, t.keyA))).toEqual([
      c['delegationId'],
      a['delegationId'],
    ])
    const revoked = await call('GET', `/v1/delegations?agentId=${alice}&status=revoked`, t.keyA)
    expect(ids(revoked)).toEqual([b['delegationId']])
    const active = await call('GET', `/v1/delegations?agentId=${alice}&status=active`, t.keyA)
    expect(ids(active)).toEqual([a['delegationId']])
    expect(ids(await call('GET', `/v1/delegations?agentId=${alice}`, t.keyB))).toEqual([])
    const bad = await call('GET', '/v1/delegations?cursor=nope', t.keyA)
    expect(bad).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } })
  })
})
