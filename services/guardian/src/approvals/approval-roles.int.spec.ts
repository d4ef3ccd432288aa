import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  AuthorizationError,
  ElevationRequiredError,
  TesseraClient,
  TesseraGuard,
} from '@tessera/sdk'
import { GuardianHarness, callJson } from '../testing/guardian-harness.ts'

/**
 * Who decides an elevation, as a user would see it (docs/roles.md): the agent runtime's member
 * key cannot approve its own agent's elevation, nor loosen the rules or revoke agents; a human's
 * approver key decides, and may not act as an agent.
 */
const TOKEN = 'approval-roles-int-bootstrap-token'
let h: GuardianHarness
let admin: TesseraClient
let runtime: TesseraClient
let human: TesseraClient

beforeAll(async () => {
  h = await GuardianHarness.start(TOKEN)
  const org = await callJson(h.url, 'POST', '/v1/orgs', TOKEN, { name: 'Approval roles' })
  const adminKey = String(org.body['apiKey'])
  const issue = async (role: string) =>
    String((await callJson(h.url, 'POST', '/v1/keys', adminKey, { role })).body['apiKey'])
  const client = (apiKey: string) => new TesseraClient({ baseUrl: h.url, apiKey })
  admin = client(adminKey)
  runtime = client(await issue('member'))
  human = client(await issue('approver'))
})

afterAll(async () => {
  await h?.stop()
})

const denied = (role: string) =>
  expect.objectContaining({
    status: 403,
    code: 'AUTH_DENIED',
    details: expect.objectContaining({ role }) as unknown,
  }) as unknown

describe('deciding an elevation', () => {
  it("a member key cannot approve or deny its own agent's elevation; an approver key can", async () => {
    const agent = await admin.agents.create({ name: 'db', framework: 't', capabilities: ['db:*'] })
    const session = await runtime.sessions.initSession({
      agentId: agent.id,
      serverId: 'mcp-postgres',
      mode: 'supervised',
    })
    const guard = new TesseraGuard(runtime, agent.id, { sessionId: session.sessionId })
    const blocked = await guard
      .check('db_delete', 'drop table users', 'destructive')
      .catch((e: unknown) => e)
    expect(blocked).toBeInstanceOf(ElevationRequiredError)
    const approvalId = (blocked as ElevationRequiredError).approvalId ?? ''

    const approve = await runtime.approvals
      .approve(approvalId, 'the agent itself')
      .catch((e: unknown) => e)
    expect(approve).toBeInstanceOf(AuthorizationError)
    expect(approve).toEqual(denied('member'))
    await expect(runtime.approvals.deny(approvalId, 'the agent itself')).rejects.toEqual(
      denied('member'),
    )
    // the runtime may still poll it, and it is still waiting for a human
    expect((await runtime.approvals.get(approvalId)).status).toBe('pending')

    // the human sees what waits, and decides
    const pending = await human.approvals.list({ status: 'pending' })
    expect(pending.items.map((p) => p.approvalId)).toContain(approvalId)
    expect((await human.approvals.approve(approvalId, 'alice@company.com')).status).toBe('approved')
    const passed = await guard.check('db_delete', 'drop table users', 'destructive')
    expect(passed).toMatchObject({ allowed: true, rule: 'elevation.approved', approvalId })
  })

  it('an approver key decides, but does not act as an agent: no checks, sessions or tokens', async () => {
    const agent = await admin.agents.create({ name: 'w', framework: 't', capabilities: ['web:*'] })
    await expect(
      human.actions.check({ agentId: agent.id, toolName: 'web_search' }),
    ).rejects.toEqual(denied('approver'))
    await expect(
      human.sessions.initSession({ agentId: agent.id, serverId: 's', mode: 'supervised' }),
    ).rejects.toEqual(denied('approver'))
    await expect(human.tokens.issue({ agentId: agent.id, scopes: ['web:search'] })).rejects.toEqual(
      denied('approver'),
    )
    // but reads the context a decision needs
    expect((await human.agents.get(agent.id)).id).toBe(agent.id)
    expect((await human.guardPolicy.get()).rules).toEqual([])
  })

  it('a member key cannot loosen the guard policy, nor register or revoke agents', async () => {
    const agent = await admin.agents.create({ name: 'x', framework: 't', capabilities: [] })
    await admin.guardPolicy.set({
      rules: [{ name: 'no-drops', decision: 'deny', tools: ['db_drop'] }],
    })
    await expect(runtime.guardPolicy.set({ rules: [] })).rejects.toEqual(denied('member'))
    await expect(runtime.agents.revoke(agent.id, 'a runtime gone rogue')).rejects.toEqual(
      denied('member'),
    )
    await expect(
      runtime.agents.create({ name: 'y', framework: 't', capabilities: ['db:*'] }),
    ).rejects.toEqual(denied('member'))
    expect((await runtime.guardPolicy.get()).rules.map((r) => r.name)).toEqual(['no-drops'])
    expect((await runtime.agents.get(agent.id)).status).toBe('active')
  })
})
