import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import type { RunningService } from '@tessera/service-kit'
import { GuardianHarness, type Json, callJson } from '../testing/guardian-harness.ts'

const TOKEN = 'tokens-int-bootstrap-token'
// Two replicas on one schema: a revocation through one must show through the other at once.
let h: GuardianHarness
let replicaA: RunningService
let replicaB: RunningService
let orgA: { apiKey: string }
let orgB: { apiKey: string }
let agentId: string

const call = (svc: RunningService, method: string, path: string, key: string, body?: unknown) =>
  callJson(svc.url, method, path, key, body)
const issue = (body: Json, key = orgA.apiKey) => call(replicaA, 'POST', '/v1/tokens', key, body)
const introspectOn = (svc: RunningService, body: Json, key = orgA.apiKey) =>
  call(svc, 'POST', '/v1/tokens/introspect', key, body)

beforeAll(async () => {
  h = await GuardianHarness.start(TOKEN, 2)
  ;[replicaA, replicaB] = h.replicas as [RunningService, RunningService]
  const createOrg = async (name: string) =>
    (await call(replicaA, 'POST', '/v1/orgs', TOKEN, { name })).body as { apiKey: string }
  orgA = await createOrg('Tokens A')
  orgB = await createOrg('Tokens B')
  const agent = await call(replicaA, 'POST', '/v1/agents', orgA.apiKey, {
    name: 'Reader',
    framework: 'test',
    capabilities: ['files:read', 'web:*'],
  })
  agentId = String(agent.body['id'])
})

afterAll(async () => {
  await h?.stop()
})

describe('capability tokens', () => {
  it('are issued opaque, for scopes within the capabilities, and stored only as a hash', async () => {
    const res = await issue({
      agentId,
      scopes: ['files:read', 'web:search'],
      audience: ['mcp://filesystem'],
      ttlSeconds: 300,
    })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({
      agentId,
      scopes: ['files:read', 'web:search'],
      audience: ['mcp://filesystem'],
    })
    const token = String(res.body['token'])
    expect(token).toMatch(/^tcap_[A-Za-z0-9_-]{43}$/)
    expect(token.split('.')).toHaveLength(1) // not a JWT
    const expires = Date.parse(String(res.body['expiresAt']))
    expect(expires - Date.now()).toBeGreaterThan(290_000)
    const { rows } = await sql<{
      n: string
    }>`select count(*) as n from ${sql.id(h.schema)}.capability_tokens
      where token_hash = ${token} or token_id = ${token}`.execute(h.db)
    expect(Number(rows[0]?.n)).toBe(0)
  })

  it('refuses scopes beyond the capabilities, a TTL over a day, and agents of other orgs', async () => {
    const beyond = await issue({ agentId, scopes: ['files:write'] })
    expect(beyond.status).toBe(400)
    expect(beyond.body).toMatchObject({
      code: 'VALIDATION_ERROR',
      details: { notGranted: ['files:write'] },
    })
    expect((await issue({ agentId, scopes: ['files:read'], ttlSeconds: 86_401 })).status).toBe(400)
    expect((await issue({ agentId, scopes: ['files:read'] }, orgB.apiKey)).status).toBe(404)
  })

  it('introspect as active, and inactive for the wrong target, a missing scope or another org', async () => {
    const { body } = await issue({
      agentId,
      scopes: ['files:read'],
      audience: ['mcp://filesystem'],
    })
    const token = String(body['token'])
    expect(
      (
        await introspectOn(replicaB, {
          token,
          target: 'mcp://filesystem',
          requiredScopes: ['files:read'],
        })
      ).body,
    ).toMatchObject({ active: true, agentId, scopes: ['files:read'] })
    expect((await introspectOn(replicaB, { token, target: 'mcp://github' })).body).toMatchObject({
      active: false,
      reason: 'wrong_target',
    })
    expect(
      (await introspectOn(replicaB, { token, requiredScopes: ['web:search'] })).body,
    ).toMatchObject({
      active: false,
      reason: 'missing_scope',
    })
    expect((await introspectOn(replicaB, { token }, orgB.apiKey)).body).toMatchObject({
      active: false,
      reason: 'unknown_token',
    })
  })

  it('expire after their TTL', async () => {
    const { body } = await issue({ agentId, scopes: ['files:read'], ttlSeconds: 1 })
    await new Promise((r) => setTimeout(r, 1100))
    expect((await introspectOn(replicaB, { token: body['token'] })).body).toMatchObject({
      active: false,
      reason: 'expired',
    })
  })

  it('go inactive on every replica the moment the token is revoked', async () => {
    const { body } = await issue({ agentId, scopes: ['files:read'] })
    const revoked = await call(
      replicaA,
      'POST',
      `/v1/tokens/${String(body['tokenId'])}/revoke`,
      orgA.apiKey,
    )
    expect(revoked.status).toBe(200)
    expect((await introspectOn(replicaB, { token: body['token'] })).body).toMatchObject({
      active: false,
      reason: 'revoked',
    })
    const again = await call(
      replicaB,
      'POST',
      `/v1/tokens/${String(body['tokenId'])}/revoke`,
      orgA.apiKey,
    )
    expect(again).toMatchObject({ status: 409, body: { code: 'TOKEN_REVOKED' } })
  })

  it('go inactive on every replica the moment their agent is revoked', async () => {
    const { body } = await issue({ agentId, scopes: ['files:read'] })
    expect((await introspectOn(replicaB, { token: body['token'] })).body['active']).toBe(true)
    await call(replicaA, 'POST', `/v1/agents/${agentId}/revoke`, orgA.apiKey, {
      reason: 'compromised',
    })
    expect((await introspectOn(replicaB, { token: body['token'] })).body).toMatchObject({
      active: false,
      reason: 'agent_revoked',
    })
    expect((await issue({ agentId, scopes: ['files:read'] })).body).toMatchObject({
      code: 'AGENT_REVOKED',
    })
  })
})
