import { describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import type { Json } from '../testing/guardian-harness.ts'
import { delegationsGuardian } from '../testing/delegations-guardian.ts'

const { t, call, newAgent, delegate, get, chain } = delegationsGuardian(
  'delegation-revocation-int-bootstrap-token',
)

describe('revoking a delegation', () => {
  it('cascades to every delegation derived from it, and only those', async () => {
    const { alice, bob, d1, d2, d3 } = await chain()
    const sibling = await delegate({ fromAgentId: alice, toAgentId: bob, scope: ['web:search'] })
    const res = await call('POST', `/v1/delegations/${String(d2['delegationId'])}/revoke`, t.keyA, {
      reason: 'task finished',
    })
    expect(res).toMatchObject({
      status: 200,
      body: {
        delegationId: d2['delegationId'],
        status: 'revoked',
        revokeReason: 'revoked',
        revokeNote: 'task finished',
        cascaded: [d3['delegationId']],
      },
    })
    expect(await get(d3['delegationId'])).toMatchObject({
      status: 'revoked',
      revokeReason: 'parent_revoked',
      cascadedFrom: d2['delegationId'],
    })
    expect(await get(d1['delegationId'])).toMatchObject({ status: 'active' })
    expect(await get(sibling['delegationId'])).toMatchObject({ status: 'active' })
    const again = await call('POST', `/v1/delegations/${String(d2['delegationId'])}/revoke`, t.keyA)
    expect(again).toMatchObject({ status: 409, body: { code: 'DELEGATION_REVOKED' } })
    const other = await call('POST', `/v1/delegations/${String(d1['delegationId'])}/revoke`, t.keyB)
    expect(other.status).toBe(404)
    const { rows } = await sql<{ stream_id: string; reason: string }>`select stream_id,
      data->>'reason' as reason from ${sql.id(t.h.schema)}.events where type = 'DelegationRevoked'
      and data->>'delegationId' in (${d2['delegationId']}, ${d3['delegationId']})
      order by position`.execute(t.h.db)
    expect(rows).toEqual([
      { stream_id: `delegation-${String(d2['delegationId'])}`, reason: 'revoked' },
      { stream_id: `delegation-${String(d3['delegationId'])}`, reason: 'parent_revoked' },
    ])
    // nothing more can be derived from a revoked delegation
    const under = await call('POST', '/v1/delegations', t.keyA, {
      fromAgentId: d3['toAgentId'],
      toAgentId: alice,
      scope: ['web:search'],
      ttlSeconds: 60,
      parentDelegationId: d3['delegationId'],
    })
    expect(under).toMatchObject({ status: 409, body: { code: 'DELEGATION_REVOKED' } })
  })

  it("follows an agent's revocation: from and to it, and everything derived", async () => {
    const { bob, d1, d2, d3 } = await chain()
    const s3 = await call(
      'POST',
      `/v1/delegations/${String(d3['delegationId'])}/sessions`,
      t.keyA,
      {
        serverId: 'mcp-web',
      },
    )
    await call('POST', `/v1/agents/${bob}/revoke`, t.keyA, { reason: 'compromised' })
    expect(await get(d1['delegationId'])).toMatchObject({
      status: 'revoked',
      revokeReason: 'agent_revoked',
    })
    for (const d of [d2, d3]) {
      expect(await get(d['delegationId'])).toMatchObject({
        status: 'revoked',
        revokeReason: 'parent_revoked',
        cascadedFrom: d1['delegationId'],
      })
    }
    const session = await call('GET', `/v1/sessions/${String(s3.body['sessionId'])}`, t.keyA)
    expect(session.body).toMatchObject({ status: 'closed', closeReason: 'delegation_revoked' })
  })
})

describe('a revocation racing re-delegations', () => {
  it('leaves none of them live: each is refused or revoked with its parent', async () => {
    const [alice, bob] = [await newAgent(), await newAgent([])]
    const delegates = await Promise.all(Array.from({ length: 8 }, () => newAgent([])))
    const root = await delegate({ fromAgentId: alice, toAgentId: bob, scope: ['web:*'] })
    const children = delegates.map((toAgentId) =>
      call('POST', '/v1/delegations', t.keyA, {
        fromAgentId: bob,
        toAgentId,
        scope: ['web:search'],
        ttlSeconds: 600,
        parentDelegationId: root['delegationId'],
      }),
    )
    const revoke = call('POST', `/v1/delegations/${String(root['delegationId'])}/revoke`, t.keyA)
    const [revoked, ...made] = await Promise.all([revoke, ...children])
    expect(revoked?.status).toBe(200)
    for (const res of made) {
      if (res.status === 201) {
        expect(await get(res.body['delegationId'])).toMatchObject({ status: 'revoked' })
      } else {
        expect(res).toMatchObject({ status: 409, body: { code: 'DELEGATION_REVOKED' } })
      }
    }
  })
})

describe('sessions under a delegation', () => {
  it('start restricted to the delegated scope, until the delegation ends, and close with it', async () => {
    const { carol, dave, d2, d3 } = await chain()
    const res = await call(
      'POST',
      `/v1/delegations/${String(d3['delegationId'])}/sessions`,
      t.keyA,
      {
        serverId: 'mcp-web',
      },
    )
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({
      agentId: dave,
      serverId: 'mcp-web',
      mode: 'restricted',
      scopeCeiling: ['web:search'],
      status: 'active',
      delegationId: d3['delegationId'],
      expiresAt: d3['expiresAt'],
    })
    const supervised = await call(
      'POST',
      `/v1/delegations/${String(d2['delegationId'])}/sessions`,
      t.keyA,
      {
        serverId: 'mcp-web',
        mode: 'supervised',
      },
    )
    expect(supervised.body).toMatchObject({
      agentId: carol,
      mode: 'supervised',
      scopeCeiling: ['web:*'],
    })
    const stranger = await call(
      'POST',
      `/v1/delegations/${String(d3['delegationId'])}/sessions`,
      t.keyB,
      {
        serverId: 'mcp-web',
      },
    )
    expect(stranger.status).toBe(404)

    await call('POST', `/v1/delegations/${String(d2['delegationId'])}/revoke`, t.keyA)
    for (const s of [res, supervised]) {
      const now = await call('GET', `/v1/sessions/${String(s.body['sessionId'])}`, t.keyA)
      expect(now.body).toMatchObject({ status: 'closed', closeReason: 'delegation_revoked' })
    }
    const late = await call(
      'POST',
      `/v1/delegations/${String(d3['delegationId'])}/sessions`,
      t.keyA,
      {
        serverId: 'mcp-web',
      },
    )
    expect(late).toMatchObject({ status: 409, body: { code: 'DELEGATION_REVOKED' } })
  })

  it('refuse an expired delegation, as a parent too', async () => {
    const [alice, bob] = [await newAgent(), await newAgent([])]
    const d = await delegate({
      fromAgentId: alice,
      toAgentId: bob,
      scope: ['web:search'],
      ttlSeconds: 1,
    })
    await new Promise((r) => setTimeout(r, 1100))
    expect(await get(d['delegationId'])).toMatchObject({ status: 'expired' })
    const session = await call(
      'POST',
      `/v1/delegations/${String(d['delegationId'])}/sessions`,
      t.keyA,
      {
        serverId: 's',
      },
    )
    expect(session).toMatchObject({ status: 409, body: { code: 'DELEGATION_EXPIRED' } })
    const child = await call('POST', '/v1/delegations', t.keyA, {
      fromAgentId: bob,
      toAgentId: alice,
      scope: ['web:search'],
      ttlSeconds: 60,
      parentDelegationId: d['delegationId'],
    })
    expect(child).toMatchObject({ status: 409, body: { code: 'DELEGATION_EXPIRED' } })
    const list = await call('GET', `/v1/delegations?agentId=${alice}&status=expired`, t.keyA)
    expect((list.body['items'] as Json[]).map((x) => x['delegationId'])).toEqual([
      d['delegationId'],
    ])
  })
})
