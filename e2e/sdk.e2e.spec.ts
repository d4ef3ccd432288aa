import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  AuthenticationError,
  ElevationRequiredError,
  GuardianUnavailableError,
  NotFoundError,
  TesseraGuard,
  TesseraClient,
  TesseraError,
  ValidationError,
} from '@tessera/sdk'
import {
  BOOTSTRAP_TOKEN,
  startInfra,
  startStack,
  type E2eInfra,
  type RunningStack,
} from './src/index.ts'
import { eventually } from '@tessera/testing'

let infra: E2eInfra
let stack: RunningStack
let client: TesseraClient
let other: TesseraClient
let keyA: string

/** A call outside the SDK's surface (orgs, keys) that answers a new `apiKey`. */
async function newKey(path: string, bearer: string, body: object): Promise<string> {
  const res = await fetch(`${stack.gatewayUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (res.status !== 201) throw new Error(`POST ${path}: HTTP ${res.status}`)
  return ((await res.json()) as { apiKey: string }).apiKey
}
/** Creates an org with the bootstrap token; the answer is its first (admin) key. */
const createOrg = (name: string) => newKey('/v1/orgs', BOOTSTRAP_TOKEN, { name })
/** Issues a key of `role` with the admin key `admin`. */
const issueKey = (admin: string, role: 'member' | 'approver') => newKey('/v1/keys', admin, { role })

// The SDK as a user runs it: against the whole stack, through the gateway.
beforeAll(async () => {
  infra = await startInfra()
  stack = await startStack(infra)
  keyA = await createOrg('SDK A')
  client = new TesseraClient({ baseUrl: stack.gatewayUrl, apiKey: keyA })
  other = new TesseraClient({ baseUrl: stack.gatewayUrl, apiKey: await createOrg('SDK B') })
})

afterAll(async () => {
  await stack?.stop()
  await infra?.dispose()
})

describe('the SDK against guardian', () => {
  it('creates, lists and gets an agent, issues and introspects a token, and revokes', async () => {
    const agent = await client.agents.create({
      name: 'research-bot',
      framework: 'langchain',
      capabilities: ['web:search', 'files:read'],
    })
    expect(agent).toMatchObject({
      name: 'research-bot',
      status: 'active',
      capabilities: ['web:search', 'files:read'],
    })
    expect(agent.id).toMatch(/^agt_/)

    const page = await client.agents.list({ status: 'active' })
    expect(page.items.map((a) => a.id)).toContain(agent.id)
    expect(page.nextCursor).toBeNull()
    expect(await client.agents.get(agent.id)).toEqual(agent)

    const token = await client.tokens.issue({
      agentId: agent.id,
      scopes: ['files:read'],
      audience: ['mcp://filesystem'],
      ttlSeconds: 300,
    })
    expect(token).toMatchObject({ agentId: agent.id, scopes: ['files:read'] })
    expect(token.token).toMatch(/^tcap_/)
    expect(
      await client.tokens.introspect({
        token: token.token,
        target: 'mcp://filesystem',
        requiredScopes: ['files:read'],
      }),
    ).toMatchObject({ active: true, agentId: agent.id, scopes: ['files:read'] })

    const revoked = await client.agents.revoke(agent.id, 'compromised')
    expect(revoked).toMatchObject({ id: agent.id, status: 'revoked', revokedReason: 'compromised' })
    expect(await client.tokens.introspect({ token: token.token })).toMatchObject({
      active: false,
      reason: 'agent_revoked',
    })
    expect((await client.agents.list({ status: 'revoked' })).items.map((a) => a.id)).toEqual([
      agent.id,
    ])

    const again = await client.agents.revoke(agent.id, 'twice').catch((e: unknown) => e)
    expect(again).toBeInstanceOf(TesseraError)
    expect(again).toMatchObject({ code: 'AGENT_REVOKED', status: 409 })
  })

  it('revokes a token', async () => {
    const agent = await client.agents.create({
      name: 'token-holder',
      framework: 'test',
      capabilities: ['files:read'],
    })
    const token = await client.tokens.issue({ agentId: agent.id, scopes: ['files:read'] })
    expect(await client.tokens.revoke(token.tokenId)).toMatchObject({ tokenId: token.tokenId })
    expect(await client.tokens.introspect({ token: token.token })).toMatchObject({
      active: false,
      reason: 'revoked',
    })
    await expect(client.tokens.revoke(token.tokenId)).rejects.toMatchObject({
      code: 'TOKEN_REVOKED',
      status: 409,
    })
  })

  it("answers another org's agent with a NotFoundError", async () => {
    const mine = await client.agents.create({ name: 'mine', framework: 'test', capabilities: [] })
    const err = await other.agents.get(mine.id).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(NotFoundError)
    expect(err).toMatchObject({ code: 'NOT_FOUND', status: 404 })
    await expect(other.tokens.issue({ agentId: mine.id, scopes: ['x:y'] })).rejects.toBeInstanceOf(
      NotFoundError,
    )
  })

  it('refuses scopes beyond the capabilities with a ValidationError naming them', async () => {
    const agent = await client.agents.create({
      name: 'reader',
      framework: 'test',
      capabilities: ['files:read'],
    })
    const err = await client.tokens
      .issue({ agentId: agent.id, scopes: ['files:read', 'files:write'] })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ValidationError)
    expect(err).toMatchObject({
      code: 'VALIDATION_ERROR',
      status: 400,
      details: { field: 'scopes', notGranted: ['files:write'] },
    })
  })

  it('refuses an invalid request body with a ValidationError listing the issues', async () => {
    const err = await client.agents
      .create({ name: '', framework: 'test', capabilities: ['not a capability'] })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ValidationError)
    expect((err as ValidationError).details['issues']).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'name' })]),
    )
  })

  it('refuses a wrong API key with an AuthenticationError', async () => {
    const stranger = new TesseraClient({ baseUrl: stack.gatewayUrl, apiKey: 'tsk_live_nope' })
    const err = await stranger.agents.list().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AuthenticationError)
    expect(err).toMatchObject({ code: 'AUTH_FAILED', status: 401 })
  })
})

describe('the guard, as the README walks through it', () => {
  it('blocks a destructive call in a supervised session until a human approves, then passes once', async () => {
    const agent = await client.agents.create({
      name: 'db-maintainer',
      framework: 'openai',
      capabilities: ['db:*', 'web:search'],
    })
    const session = await client.sessions.initSession({
      agentId: agent.id,
      serverId: 'mcp-postgres',
      mode: 'supervised',
    })
    const guard = new TesseraGuard(client, agent.id, { sessionId: session.sessionId })

    await guard.check('db_query', 'select count(*) from users', 'read')
    const blocked = await guard
      .check('db_delete', 'drop table users', 'destructive')
      .catch((e: unknown) => e)
    expect(blocked).toBeInstanceOf(ElevationRequiredError)
    const approvalId = (blocked as ElevationRequiredError).approvalId ?? ''

    // what a human's console shows, and their decision, with an approver key (docs/roles.md)
    const human = new TesseraClient({
      baseUrl: stack.gatewayUrl,
      apiKey: await issueKey(keyA, 'approver'),
    })
    const pending = await human.approvals.list({ status: 'pending' })
    expect(pending.items.map((p) => p.approvalId)).toContain(approvalId)
    await human.approvals.approve(approvalId, 'alice@company.com')

    const passed = await guard.check('db_delete', 'drop table users', 'destructive')
    expect(passed).toMatchObject({ allowed: true, rule: 'elevation.approved', approvalId })
    await expect(
      guard.check('db_delete', 'drop table users', 'destructive'),
    ).rejects.toBeInstanceOf(ElevationRequiredError)

    // after the call: report goes through @tessera/telemetry to ingest, once ingest has heard of
    // the agent (guardian's event reaches it over the bus; before, ingest drops the batch as
    // UNKNOWN_AGENT, which a loaded CI run hit)
    await eventually(
      async () => {
        const r = await fetch(`${stack.gatewayUrl}/v1/agents/${agent.id}/telemetry`, {
          headers: { authorization: `Bearer ${keyA}` },
        })
        return r.status === 200 ? true : undefined
      },
      { timeoutMs: 20_000, what: 'the agent to reach ingest' },
    )
    guard.report('db_delete', true, 42)
    guard.report('db_query', false, 7, { error: new RangeError('secret detail'), input: 'x' })
    await guard.flush()
    const res = await fetch(`${stack.gatewayUrl}/v1/telemetry/sessions/${session.sessionId}`, {
      headers: { authorization: `Bearer ${keyA}` },
    })
    const { items } = (await res.json()) as { items: { data: Record<string, unknown> }[] }
    expect(items.map((i) => i.data)).toEqual([
      expect.objectContaining({
        type: 'tool_call',
        tool: 'db_delete',
        outcome: 'success',
        latencyMs: 42,
      }),
      expect.objectContaining({
        type: 'tool_call',
        tool: 'db_query',
        outcome: 'error',
        // only the error's class, and no input without logInputs
        metadata: { errorClass: 'RangeError' },
        params: {},
      }),
    ])
    expect((await client.sessions.getSession(session.sessionId)).totalCalls).toBe(4)
    await guard.close()
  })

  it('fails closed when guardian cannot be reached, and open only when asked', async () => {
    const nowhere = new TesseraClient({
      baseUrl: 'http://127.0.0.1:9',
      apiKey: 'tsk_live_x',
      timeoutMs: 2_000,
    })
    const closed = new TesseraGuard(nowhere, 'agt_00000000000000000000000000', { logger: quiet })
    await expect(closed.check('web_search')).rejects.toBeInstanceOf(GuardianUnavailableError)
    const open = new TesseraGuard(nowhere, 'agt_00000000000000000000000000', {
      failOpen: true,
      logger: quiet,
    })
    await expect(open.check('web_search')).resolves.toMatchObject({
      allowed: true,
      rule: 'guard.fail_open',
    })
    await closed.close()
    await open.close()
  })
})

const quiet = { warn: () => undefined, error: () => undefined }
