import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TesseraClient } from '@tessera/sdk'
import { GuardianHarness, callJson } from '../testing/guardian-harness.ts'

const TOKEN = 'revocation-int-bootstrap-token'
/** The issue's bound: every replica sees a revocation within this. */
const WITHIN_MS = 1_000
let h: GuardianHarness
/** One client per replica, same org. */
let r0: TesseraClient
let r1: TesseraClient
let adminKey: string

beforeAll(async () => {
  h = await GuardianHarness.start(TOKEN, 2)
  const [one, two] = h.replicas
  const { apiKey } = (await callJson(one!.url, 'POST', '/v1/orgs', TOKEN, { name: 'Replicas' }))
    .body
  adminKey = String(apiKey)
  r0 = new TesseraClient({ baseUrl: one!.url, apiKey: String(apiKey) })
  r1 = new TesseraClient({ baseUrl: two!.url, apiKey: String(apiKey) })
})

afterAll(async () => {
  await h?.stop()
})

/** Polls `probe` until it holds; the time it took, or a failure past the bound. */
async function timeUntil(probe: () => Promise<boolean>): Promise<number> {
  const started = performance.now()
  for (;;) {
    if (await probe()) return performance.now() - started
    if (performance.now() - started > WITHIN_MS * 3) {
      throw new Error(`still not seen after ${WITHIN_MS * 3} ms`)
    }
    await new Promise((r) => setTimeout(r, 10))
  }
}

async function warmAgent() {
  const agent = await r0.agents.create({ name: 'r', framework: 't', capabilities: ['web:search'] })
  const { sessionId } = await r0.sessions.initSession({ agentId: agent.id, serverId: 's' })
  const { token } = await r0.tokens.issue({ agentId: agent.id, scopes: ['web:search'] })
  // both replicas have the agent and session cached as active
  for (const c of [r0, r1]) {
    expect(
      (await c.actions.check({ agentId: agent.id, toolName: 'web_search', sessionId })).allowed,
    ).toBe(true)
    expect((await c.tokens.introspect({ token })).active).toBe(true)
  }
  return { agentId: agent.id, sessionId, token }
}

describe('revocation across two guardian replicas', () => {
  it("a revoked agent's checks deny and its token introspects inactive on both, within 1 s", async () => {
    const { agentId, sessionId, token } = await warmAgent()
    await r0.agents.revoke(agentId, 'compromised')
    const seen = await Promise.all(
      [r0, r1].flatMap((c) => [
        timeUntil(async () => {
          const res = await c.actions.check({ agentId, toolName: 'web_search' })
          return !res.allowed && res.rule === 'agent.revoked'
        }),
        timeUntil(async () => {
          const res = await c.actions.check({ agentId, toolName: 'web_search', sessionId })
          return !res.allowed
        }),
        timeUntil(async () => {
          const res = await c.tokens.introspect({ token })
          return !res.active && res.reason === 'agent_revoked'
        }),
      ]),
    )
    for (const ms of seen) expect(ms).toBeLessThan(WITHIN_MS)
  })

  it('on the replica that made a change, the very next check sees it (read-your-writes)', async () => {
    // the notification would otherwise race the next request; twenty tries make a race show
    for (let i = 0; i < 20; i++) {
      const agent = await r0.agents.create({
        name: `ryw-${i}`,
        framework: 't',
        capabilities: ['web:search'],
      })
      expect((await r0.actions.check({ agentId: agent.id, toolName: 'web_search' })).allowed).toBe(
        true,
      )
      await r0.agents.revoke(agent.id, 'gone')
      const next = await r0.actions.check({ agentId: agent.id, toolName: 'web_search' })
      expect(next).toMatchObject({ allowed: false, rule: 'agent.revoked' })
    }
    await r0.guardPolicy.set({ rules: [{ name: 'ryw', decision: 'deny', tools: ['web_*'] }] })
    try {
      const agent = await r0.agents.create({
        name: 'ryw',
        framework: 't',
        capabilities: ['web:search'],
      })
      expect((await r0.actions.check({ agentId: agent.id, toolName: 'web_search' })).rule).toBe(
        'policy:ryw',
      )
    } finally {
      await r0.guardPolicy.set({ rules: [] })
    }
  })

  it('a revoked API key is refused by checks at once on its replica and within 1 s on the other', async () => {
    const { agentId } = await warmAgent()
    const issued = await callJson(h.replicas[0]!.url, 'POST', '/v1/keys', adminKey, {
      role: 'member',
    })
    const key = String(issued.body['apiKey'])
    const check = (url: string) =>
      callJson(url, 'POST', '/v1/actions/check', key, { agentId, toolName: 'web_search' })
    const [u0, u1] = h.replicas.map((r) => r.url) as [string, string]
    // both replicas have the key cached
    expect((await check(u0)).status).toBe(200)
    expect((await check(u1)).status).toBe(200)
    await callJson(u0, 'POST', `/v1/keys/${String(issued.body['keyId'])}/revoke`, adminKey)
    expect(await check(u0)).toMatchObject({ status: 401, body: { code: 'AUTH_FAILED' } })
    const ms = await timeUntil(async () => (await check(u1)).status === 401)
    expect(ms).toBeLessThan(WITHIN_MS)
  })

  it('a token revoked through one replica introspects inactive on the other at once', async () => {
    const { agentId } = await warmAgent()
    const issued = await r1.tokens.issue({ agentId, scopes: ['web:search'] })
    expect((await r0.tokens.introspect({ token: issued.token })).active).toBe(true)
    await r1.tokens.revoke(issued.tokenId)
    const ms = await timeUntil(async () => {
      const res = await r0.tokens.introspect({ token: issued.token })
      return !res.active && res.reason === 'revoked'
    })
    expect(ms).toBeLessThan(WITHIN_MS)
  })

  it("a revoked delegation's session denies on the other replica within 1 s", async () => {
    const { agentId: from } = await warmAgent()
    const to = await r0.agents.create({ name: 'delegate', framework: 't', capabilities: [] })
    const delegation = await r0.delegations.create({
      fromAgentId: from,
      toAgentId: to.id,
      scope: ['web:search'],
      ttlSeconds: 600,
    })
    const { sessionId } = await r0.delegations.initSession(delegation.delegationId, {
      serverId: 's',
    })
    for (const c of [r0, r1]) {
      const res = await c.actions.check({ agentId: to.id, toolName: 'web_search', sessionId })
      expect(res).toMatchObject({ allowed: true, rule: 'delegation.scope' })
    }
    await r1.delegations.revoke(delegation.delegationId, 'job done')
    const ms = await timeUntil(async () => {
      const res = await r0.actions.check({ agentId: to.id, toolName: 'web_search', sessionId })
      return !res.allowed && res.rule === 'session.closed'
    })
    expect(ms).toBeLessThan(WITHIN_MS)
  })

  it('a policy set through one replica decides on the other within 1 s', async () => {
    const { agentId } = await warmAgent()
    await r0.guardPolicy.set({
      rules: [{ name: 'no-search', decision: 'deny', tools: ['web_*'] }],
    })
    try {
      const ms = await timeUntil(async () => {
        const res = await r1.actions.check({ agentId, toolName: 'web_search' })
        return res.rule === 'policy:no-search'
      })
      expect(ms).toBeLessThan(WITHIN_MS)
    } finally {
      await r0.guardPolicy.set({ rules: [] })
    }
  })
})
