import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { GuardianHarness, callJson } from '../testing/guardian-harness.ts'

const TOKEN = 'sessions-int-bootstrap-token'
let h: GuardianHarness
let keyA: string
let keyB: string

const call = (method: string, path: string, key: string, body?: unknown) =>
  callJson(h.url, method, path, key, body)
async function newAgent(capabilities = ['files:read', 'web:*']) {
  const res = await call('POST', '/v1/agents', keyA, { name: 'a', framework: 'test', capabilities })
  return String(res.body['id'])
}

beforeAll(async () => {
  h = await GuardianHarness.start(TOKEN)
  keyA = String((await call('POST', '/v1/orgs', TOKEN, { name: 'Sessions A' })).body['apiKey'])
  keyB = String((await call('POST', '/v1/orgs', TOKEN, { name: 'Sessions B' })).body['apiKey'])
})

afterAll(async () => {
  await h?.stop()
})

describe('sessions', () => {
  it("start open under the agent's capabilities, with counters at zero", async () => {
    const agentId = await newAgent()
    const res = await call('POST', '/v1/sessions', keyA, { agentId, serverId: 'mcp-code-tools' })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({
      agentId,
      serverId: 'mcp-code-tools',
      mode: 'open',
      scopeCeiling: ['files:read', 'web:*'],
      status: 'active',
      totalCalls: 0,
      deniedCalls: 0,
    })
    expect(res.body['sessionId']).toMatch(/^ses_[0-9a-z]{26}$/)
    const again = await call('GET', `/v1/sessions/${String(res.body['sessionId'])}`, keyA)
    expect(again).toEqual({ status: 200, body: res.body })
    expect((await call('GET', `/v1/sessions/${String(res.body['sessionId'])}`, keyB)).status).toBe(
      404,
    )
  })

  it('narrow to a ceiling within the capabilities, and refuse one beyond them', async () => {
    const agentId = await newAgent()
    const restricted = { agentId, serverId: 's', mode: 'restricted', scopeCeiling: ['web:search'] }
    const ok = await call('POST', '/v1/sessions', keyA, restricted)
    expect(ok.body).toMatchObject({ mode: 'restricted', scopeCeiling: ['web:search'] })
    const beyond = await call('POST', '/v1/sessions', keyA, {
      ...restricted,
      scopeCeiling: ['files:write'],
    })
    expect(beyond).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_ERROR', details: { notGranted: ['files:write'] } },
    })
    const badMode = await call('POST', '/v1/sessions', keyA, { ...restricted, mode: 'yolo' })
    expect(badMode.status).toBe(400)
    expect((await call('POST', '/v1/sessions', keyB, { agentId, serverId: 's' })).status).toBe(404)
  })

  it('close when their agent is revoked, in the same transaction', async () => {
    const agentId = await newAgent()
    const one = await call('POST', '/v1/sessions', keyA, { agentId, serverId: 'a' })
    const two = await call('POST', '/v1/sessions', keyA, { agentId, serverId: 'b' })
    await call('POST', `/v1/agents/${agentId}/revoke`, keyA, { reason: 'leaked' })
    for (const s of [one, two]) {
      const now = await call('GET', `/v1/sessions/${String(s.body['sessionId'])}`, keyA)
      expect(now.body).toMatchObject({ status: 'closed', closeReason: 'agent_revoked' })
    }
    const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.id(h.schema)}.events
      where type = 'SessionClosed' and data->>'agentId' = ${agentId}`.execute(h.db)
    expect(Number(rows[0]?.n)).toBe(2)
    const late = await call('POST', '/v1/sessions', keyA, { agentId, serverId: 'c' })
    expect(late).toMatchObject({ status: 409, body: { code: 'AGENT_REVOKED' } })
  })
})
