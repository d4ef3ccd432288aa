import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NotFoundError, TesseraClient, TesseraError, ValidationError } from '@tessera/sdk'
import { GuardianHarness, callJson } from '../testing/guardian-harness.ts'

const TOKEN = 'delegations-sdk-int-bootstrap-token'
let h: GuardianHarness
let client: TesseraClient
let other: TesseraClient
let keyA: string

async function orgKey(name: string) {
  return String((await callJson(h.url, 'POST', '/v1/orgs', TOKEN, { name })).body['apiKey'])
}
const agent = (capabilities: string[] = []) =>
  client.agents.create({ name: 'a', framework: 'test', capabilities })

/** What the call rejected with; fails the test if it resolved. */
async function refusal(call: Promise<unknown>): Promise<TesseraError> {
  const outcome = await call.then(
    () => undefined,
    (err: unknown) => err,
  )
  if (!(outcome instanceof TesseraError))
    throw new Error(`expected a TesseraError: ${String(outcome)}`)
  return outcome
}

beforeAll(async () => {
  h = await GuardianHarness.start(TOKEN)
  keyA = await orgKey('Delegations SDK A')
  client = new TesseraClient({ baseUrl: h.url, apiKey: keyA })
  other = new TesseraClient({ baseUrl: h.url, apiKey: await orgKey('Delegations SDK B') })
})

afterAll(async () => {
  await h?.stop()
})

describe('the SDK: client.delegations', () => {
  it('creates, gets, lists and iterates', async () => {
    const [alice, bob, carol] = [await agent(['web:*']), await agent(), await agent()]
    const root = await client.delegations.create({
      fromAgentId: alice.id,
      toAgentId: bob.id,
      scope: ['web:*'],
      ttlSeconds: 600,
    })
    expect(root).toMatchObject({ depth: 1, status: 'active', parentDelegationId: null })
    const child = await client.delegations.create({
      fromAgentId: bob.id,
      toAgentId: carol.id,
      scope: ['web:search'],
      ttlSeconds: 86_400,
      parentDelegationId: root.delegationId,
    })
    expect(child).toMatchObject({ depth: 2, rootDelegationId: root.delegationId })
    expect(child.expiresAt).toBe(root.expiresAt)
    expect(await client.delegations.get(child.delegationId)).toEqual(child)

    const page = await client.delegations.list({ agentId: bob.id, limit: 1 })
    expect(page.items.map((d) => d.delegationId)).toEqual([child.delegationId])
    expect(page.nextCursor).not.toBeNull()
    const all = []
    for await (const d of client.delegations.iterate({ agentId: bob.id, limit: 1 })) all.push(d)
    expect(all.map((d) => d.delegationId)).toEqual([child.delegationId, root.delegationId])
    expect(await other.delegations.list({ agentId: bob.id })).toEqual({
      items: [],
      nextCursor: null,
    })
    await expect(other.delegations.get(root.delegationId)).rejects.toBeInstanceOf(NotFoundError)
  })

  it('refuses wider scope and deeper chains with typed errors', async () => {
    const [alice, bob] = [await agent(['files:read']), await agent()]
    const wider = await refusal(
      client.delegations.create({
        fromAgentId: alice.id,
        toAgentId: bob.id,
        scope: ['files:write'],
        ttlSeconds: 60,
      }),
    )
    expect(wider).toBeInstanceOf(ValidationError)
    expect(wider.details).toMatchObject({ notGranted: ['files:write'] })

    const chain = [alice, bob, await agent(), await agent(), await agent()]
    let parentDelegationId: string | undefined
    for (let i = 0; i < 3; i++) {
      const d = await client.delegations.create({
        fromAgentId: chain[i]!.id,
        toAgentId: chain[i + 1]!.id,
        scope: ['files:read'],
        ttlSeconds: 60,
        ...(parentDelegationId ? { parentDelegationId } : {}),
      })
      parentDelegationId = d.delegationId
    }
    const deeper = await refusal(
      client.delegations.create({
        fromAgentId: chain[3]!.id,
        toAgentId: chain[4]!.id,
        scope: ['files:read'],
        ttlSeconds: 60,
        ...(parentDelegationId ? { parentDelegationId } : {}),
      }),
    )
    expect(deeper).toBeInstanceOf(ValidationError)
    expect(deeper.code).toBe('DELEGATION_DEPTH_EXCEEDED')
  })

  it('opens a session under a delegation and revokes with a cascade', async () => {
    const [alice, bob, carol] = [await agent(['web:*']), await agent(), await agent()]
    const root = await client.delegations.create({
      fromAgentId: alice.id,
      toAgentId: bob.id,
      scope: ['web:search', 'web:fetch'],
      ttlSeconds: 600,
    })
    const child = await client.delegations.create({
      fromAgentId: bob.id,
      toAgentId: carol.id,
      scope: ['web:fetch'],
      ttlSeconds: 600,
      parentDelegationId: root.delegationId,
    })
    const session = await client.delegations.initSession(child.delegationId, {
      serverId: 'mcp-web',
    })
    expect(session).toMatchObject({
      agentId: carol.id,
      mode: 'restricted',
      scopeCeiling: ['web:fetch'],
      delegationId: child.delegationId,
      expiresAt: child.expiresAt,
      status: 'active',
    })

    const revoked = await client.delegations.revoke(root.delegationId, 'done')
    expect(revoked).toMatchObject({
      status: 'revoked',
      revokeReason: 'revoked',
      revokeNote: 'done',
      cascaded: [child.delegationId],
    })
    expect(await client.delegations.get(child.delegationId)).toMatchObject({
      status: 'revoked',
      revokeReason: 'parent_revoked',
      cascadedFrom: root.delegationId,
    })
    const closed = await callJson(h.url, 'GET', `/v1/sessions/${session.sessionId}`, keyA)
    expect(closed.body).toMatchObject({ status: 'closed', closeReason: 'delegation_revoked' })
    const again = await refusal(client.delegations.revoke(root.delegationId))
    expect(again.code).toBe('DELEGATION_REVOKED')
    const late = await refusal(
      client.delegations.initSession(child.delegationId, { serverId: 's' }),
    )
    expect(late.code).toBe('DELEGATION_REVOKED')
  })
})
