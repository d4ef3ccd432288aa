import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GuardianHarness, type Json, callJson } from './testing/guardian-harness.ts'
import { seedOrg } from './testing/guardian-routes.ts'

/**
 * Org isolation, as a matrix: every guardian endpoint that reads or changes an org's data is
 * called with org B's key on org A's resources. Each row first proves the call works with A's
 * key (so a wrong path cannot pass unnoticed), then that B gets 404 NOT_FOUND, or a list
 * without any of A's ids, and never A's data.
 */
const TOKEN = 'isolation-int-bootstrap-token'
let h: GuardianHarness
let keyA: string
let keyB: string
/** Org A's resources, by name. */
const a: Record<string, string> = {}

const call = (method: string, path: string, key: string, body?: unknown) =>
  callJson(h.url, method, path, key, body)

async function ok(method: string, path: string, body?: unknown): Promise<Json> {
  const res = await call(method, path, keyA, body)
  if (res.status >= 300)
    throw new Error(`setup ${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body
}

beforeAll(async () => {
  h = await GuardianHarness.start(TOKEN)
  keyA = String((await call('POST', '/v1/orgs', TOKEN, { name: 'Iso A' })).body['apiKey'])
  keyB = String((await call('POST', '/v1/orgs', TOKEN, { name: 'Iso B' })).body['apiKey'])
  // one of each of A's resources, as the fuzz suite seeds them
  Object.assign(a, await seedOrg(h.url, keyA))
  await ok('POST', `/v1/agents/${a['agent']}/card/publish`)
})

afterAll(async () => {
  await h?.stop()
})

interface Row {
  name: string
  method: string
  path: () => string
  body?: () => unknown
}

/** Calls on one of A's resources: B must get 404. */
const byId: Row[] = [
  { name: 'get agent', method: 'GET', path: () => `/v1/agents/${a['agent']}` },
  { name: 'generate card', method: 'POST', path: () => `/v1/agents/${a['agent']}/card` },
  { name: 'publish card', method: 'POST', path: () => `/v1/agents/${a['agent']}/card/publish` },
  {
    name: 'issue token',
    method: 'POST',
    path: () => '/v1/tokens',
    body: () => ({ agentId: a['agent'], scopes: ['web:search'] }),
  },
  { name: 'get session', method: 'GET', path: () => `/v1/sessions/${a['session']}` },
  {
    name: 'start session',
    method: 'POST',
    path: () => '/v1/sessions',
    body: () => ({ agentId: a['agent'], serverId: 's' }),
  },
  {
    name: 'check action',
    method: 'POST',
    path: () => '/v1/actions/check',
    body: () => ({ agentId: a['agent'], toolName: 'web_search' }),
  },
  {
    name: 'check in session',
    method: 'POST',
    path: () => '/v1/actions/check',
    body: () => ({ agentId: a['agent'], toolName: 'web_search', sessionId: a['session'] }),
  },
  { name: 'get check', method: 'GET', path: () => `/v1/actions/checks/${a['check']}` },
  { name: 'get approval', method: 'GET', path: () => `/v1/approvals/${a['approval']}` },
  { name: 'get delegation', method: 'GET', path: () => `/v1/delegations/${a['delegation']}` },
  {
    name: 'delegate',
    method: 'POST',
    path: () => '/v1/delegations',
    body: () => ({
      fromAgentId: a['agent'],
      toAgentId: a['peer'],
      scope: ['web:search'],
      ttlSeconds: 60,
    }),
  },
  {
    name: 'delegation session',
    method: 'POST',
    path: () => `/v1/delegations/${a['delegation']}/sessions`,
    body: () => ({ serverId: 's' }),
  },
]

/** Changes to A's resources, last, so the reads above see them intact: B must get 404. */
const changes: Row[] = [
  {
    name: 'approve',
    method: 'POST',
    path: () => `/v1/approvals/${a['approval']}/approve`,
    body: () => ({ decidedBy: 'b' }),
  },
  {
    name: 'deny',
    method: 'POST',
    path: () => `/v1/approvals/${a['approval']}/deny`,
    body: () => ({ decidedBy: 'b' }),
  },
  { name: 'revoke token', method: 'POST', path: () => `/v1/tokens/${a['token']}/revoke` },
  {
    name: 'revoke delegation',
    method: 'POST',
    path: () => `/v1/delegations/${a['delegation']}/revoke`,
    body: () => ({}),
  },
  { name: 'revoke key', method: 'POST', path: () => `/v1/keys/${a['key']}/revoke` },
  { name: 'unpublish card', method: 'POST', path: () => `/v1/agents/${a['agent']}/card/unpublish` },
  {
    name: 'revoke agent',
    method: 'POST',
    path: () => `/v1/agents/${a['agent']}/revoke`,
    body: () => ({ reason: 'b' }),
  },
]

/** Lists: B's must hold none of A's ids. */
const lists: { name: string; path: () => string; ids: () => string[] }[] = [
  { name: 'agents', path: () => '/v1/agents', ids: () => [a['agent']!, a['peer']!] },
  {
    name: 'checks',
    path: () => `/v1/actions/checks?agentId=${a['agent']}`,
    ids: () => [a['check']!],
  },
  { name: 'approvals', path: () => '/v1/approvals', ids: () => [a['approval']!] },
  { name: 'delegations', path: () => '/v1/delegations', ids: () => [a['delegation']!] },
  { name: 'keys', path: () => '/v1/keys', ids: () => [a['key']!] },
]

describe("org B's key on org A's data", () => {
  it.each(byId)('$name: 404', async (row) => {
    const body = row.body?.()
    const b = await call(row.method, row.path(), keyB, body)
    expect(b.status).toBe(404)
    expect(b.body['code']).toBe('NOT_FOUND')
    // nothing of A's record comes back: not its name, not its capabilities
    expect(JSON.stringify(b.body)).not.toMatch(/"a1"|db:\*/)
    const own = await call(row.method, row.path(), keyA, body)
    expect(own.status, JSON.stringify(own.body)).toBeLessThan(300)
  })

  it.each(lists)('list $name: none of A', async (row) => {
    const own = JSON.stringify((await call('GET', row.path(), keyA)).body)
    const theirs = await call('GET', row.path(), keyB)
    expect(theirs.status).toBe(200)
    for (const id of row.ids()) {
      expect(own).toContain(id)
      expect(JSON.stringify(theirs.body)).not.toContain(id)
    }
  })

  it("introspecting A's token with B's key says unknown_token", async () => {
    const b = await call('POST', '/v1/tokens/introspect', keyB, { token: a['tokenSecret'] })
    expect(b.body).toMatchObject({ active: false, reason: 'unknown_token', agentId: null })
    expect(
      (await call('POST', '/v1/tokens/introspect', keyA, { token: a['tokenSecret'] })).body[
        'active'
      ],
    ).toBe(true)
  })

  it("B's policy is B's: A's rules are not shown, and B's do not apply to A", async () => {
    await ok('PUT', '/v1/guard/policy', {
      rules: [{ name: 'a-only', decision: 'deny', tools: ['nothing_here'] }],
    })
    const b = await call('GET', '/v1/guard/policy', keyB)
    expect(b.body).toMatchObject({ version: 0, rules: [] })
  })

  it.each(changes)('$name: 404', async (row) => {
    const b = await call(row.method, row.path(), keyB, row.body?.())
    expect(b.status).toBe(404)
    expect(b.body['code']).toBe('NOT_FOUND')
  })

  it("after all of B's attempts, A's resources are untouched", async () => {
    expect((await ok('GET', `/v1/agents/${a['agent']}`))['status']).toBe('active')
    expect((await ok('GET', `/v1/approvals/${a['approval']}`))['status']).toBe('pending')
    expect((await ok('GET', `/v1/delegations/${a['delegation']}`))['status']).toBe('active')
    expect((await ok('POST', '/v1/tokens/introspect', { token: a['tokenSecret'] }))['active']).toBe(
      true,
    )
    const keys = JSON.stringify(await ok('GET', '/v1/keys'))
    expect(keys).toContain(a['key'])
    const card = await fetch(`${h.url}/a2a/agents/${a['agent']}/agent-card.json`)
    expect(card.status).toBe(200)
  })
})
