import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { TesseraClient } from './index.ts'
import { FakeGuardian } from './testing/fake-guardian.ts'

let fake: FakeGuardian
let client: TesseraClient

beforeAll(async () => {
  fake = await FakeGuardian.start()
  client = new TesseraClient({ baseUrl: `${fake.url}/`, apiKey: 'tsk_secret' })
})
beforeEach(() => {
  fake.received.length = 0
})
afterAll(() => fake.stop())

const agent = { id: 'agt_1', name: 'research-bot', status: 'active' }

describe('requests', () => {
  it('carry the key as a Bearer token and ask for JSON', async () => {
    await client.agents.get('agt_1')
    expect(fake.last.headers).toMatchObject({
      authorization: 'Bearer tsk_secret',
      accept: 'application/json',
    })
    expect(fake.last.headers['content-type']).toBeUndefined()
    expect(fake.last.body).toBe('')
  })

  it('agents.create posts the agent as JSON and returns the answer', async () => {
    fake.reply({ status: 201, body: agent })
    const created = await client.agents.create({
      name: 'research-bot',
      framework: 'langchain',
      capabilities: ['web:search', 'files:read'],
      metadata: { team: 'r&d' },
    })
    expect(created).toEqual(agent)
    expect(fake.last).toMatchObject({ method: 'POST', url: '/v1/agents' })
    expect(fake.last.headers['content-type']).toBe('application/json')
    expect(JSON.parse(fake.last.body)).toEqual({
      name: 'research-bot',
      framework: 'langchain',
      capabilities: ['web:search', 'files:read'],
      metadata: { team: 'r&d' },
    })
  })

  it('approvals.approve and deny send the note only when given: the key is who decided', async () => {
    const decided = { approvalId: 'apr_1', decidedByKey: { keyId: 'key_1' }, decidedBy: null }
    fake.reply({ status: 200, body: decided }, { status: 200, body: decided })
    expect(await client.approvals.approve('apr_1')).toEqual(decided)
    expect(fake.last).toMatchObject({ method: 'POST', url: '/v1/approvals/apr_1/approve' })
    expect(JSON.parse(fake.last.body)).toEqual({})
    await client.approvals.deny('apr_1', 'on call: bob', 'not now')
    expect(fake.last).toMatchObject({ method: 'POST', url: '/v1/approvals/apr_1/deny' })
    expect(JSON.parse(fake.last.body)).toEqual({ decidedBy: 'on call: bob', reason: 'not now' })
  })

  it('accounts: balances, a paged statement and the admin credit, money as strings', async () => {
    const wallet = { accountId: 'acct_agt_1', balance: '12500000', available: '12500000' }
    fake.reply(
      { status: 200, body: wallet },
      { status: 200, body: { accountId: 'acct_agt_1', items: [], nextCursor: null } },
      { status: 201, body: { transferId: 'acct_agt_1:demo', created: true, account: wallet } },
    )
    expect(await client.accounts.getAgentWallet('agt_1')).toEqual(wallet)
    expect(fake.last).toMatchObject({ method: 'GET', url: '/v1/accounts/acct_agt_1' })
    await client.accounts.statement('acct_agt_1', { limit: 10, cursor: 'c2VxOjE' })
    expect(fake.last.url).toBe('/v1/accounts/acct_agt_1/statement?limit=10&cursor=c2VxOjE')
    await client.accounts.credit('acct_agt_1', { amountUsdc: '12.5', transferId: 'demo' })
    expect(fake.last).toMatchObject({ method: 'POST', url: '/v1/accounts/acct_agt_1/credits' })
    expect(JSON.parse(fake.last.body)).toEqual({ amountUsdc: '12.5', transferId: 'demo' })
  })

  it('bonds: post from the wallet and read the tier, money as strings', async () => {
    const bond = { agentId: 'agt_1', accountId: 'bond_agt_1', amount: '1000000000', tier: 2 }
    fake.reply(
      { status: 201, body: { transferId: 'bond_agt_1:b1', created: true, bond } },
      { status: 200, body: bond },
    )
    const posted = await client.bonds.post({
      agentId: 'agt_1',
      amountUsdc: '1000',
      transferId: 'b1',
    })
    expect(posted.bond).toEqual(bond)
    expect(fake.last).toMatchObject({ method: 'POST', url: '/v1/bonds' })
    expect(JSON.parse(fake.last.body)).toEqual({
      agentId: 'agt_1',
      amountUsdc: '1000',
      transferId: 'b1',
    })
    expect(await client.bonds.get('agt_1')).toEqual(bond)
    expect(fake.last).toMatchObject({ method: 'GET', url: '/v1/bonds/agt_1' })
    fake.reply({ status: 201, body: { transferId: 'bond_agt_1:w1', created: true, bond } })
    await client.bonds.withdraw('agt_1', { amount: '5', transferId: 'w1' })
    expect(fake.last).toMatchObject({ method: 'POST', url: '/v1/bonds/agt_1/withdrawals' })
    expect(JSON.parse(fake.last.body)).toEqual({ amount: '5', transferId: 'w1' })
  })

  it('agents.list sends only the filters given', async () => {
    fake.reply({ status: 200, body: { items: [agent], nextCursor: null } })
    expect(await client.agents.list()).toEqual({ items: [agent], nextCursor: null })
    expect(fake.last).toMatchObject({ method: 'GET', url: '/v1/agents' })
    await client.agents.list({ status: 'revoked', limit: 10, cursor: 'a b/c' })
    expect(fake.last.url).toBe('/v1/agents?status=revoked&limit=10&cursor=a+b%2Fc')
  })

  it('agents.iterate follows nextCursor to the last page', async () => {
    fake.reply(
      { status: 200, body: { items: [{ id: 'a1' }, { id: 'a2' }], nextCursor: 'c1' } },
      { status: 200, body: { items: [{ id: 'a3' }], nextCursor: null } },
    )
    const ids: string[] = []
    for await (const a of client.agents.iterate({ limit: 2 })) ids.push(a.id)
    expect(ids).toEqual(['a1', 'a2', 'a3'])
    expect(fake.received.map((r) => r.url)).toEqual([
      '/v1/agents?limit=2',
      '/v1/agents?limit=2&cursor=c1',
    ])
  })

  it('path parameters are encoded, so an id cannot change the route', async () => {
    await client.agents.get('../tokens?x=1')
    expect(fake.last.url).toBe('/v1/agents/..%2Ftokens%3Fx%3D1')
  })

  it('agents.revoke posts the reason', async () => {
    await client.agents.revoke('agt_1', 'compromised')
    expect(fake.last).toMatchObject({ method: 'POST', url: '/v1/agents/agt_1/revoke' })
    expect(JSON.parse(fake.last.body)).toEqual({ reason: 'compromised' })
  })

  it('tokens.issue, introspect and revoke', async () => {
    const issued = {
      tokenId: 'tok_1',
      token: 'tcap_x',
      agentId: 'agt_1',
      scopes: ['files:read'],
      audience: [],
      expiresAt: '2030-01-01T00:00:00.000Z',
    }
    fake.reply({ status: 201, body: issued })
    expect(
      await client.tokens.issue({ agentId: 'agt_1', scopes: ['files:read'], ttlSeconds: 60 }),
    ).toEqual(issued)
    expect(fake.last).toMatchObject({ method: 'POST', url: '/v1/tokens' })
    expect(JSON.parse(fake.last.body)).toEqual({
      agentId: 'agt_1',
      scopes: ['files:read'],
      ttlSeconds: 60,
    })

    fake.reply({ status: 200, body: { active: false, reason: 'expired' } })
    const result = await client.tokens.introspect({ token: 'tcap_x', target: 'mcp://fs' })
    expect(result).toMatchObject({ active: false, reason: 'expired' })
    expect(fake.last).toMatchObject({ method: 'POST', url: '/v1/tokens/introspect' })
    expect(JSON.parse(fake.last.body)).toEqual({ token: 'tcap_x', target: 'mcp://fs' })

    await client.tokens.revoke('tok_1')
    expect(fake.last).toMatchObject({ method: 'POST', url: '/v1/tokens/tok_1/revoke', body: '' })
  })

  it('keep a path prefix of the base URL', async () => {
    const prefixed = new TesseraClient({ baseUrl: `${fake.url}/api/guardian//`, apiKey: 'k' })
    await prefixed.agents.get('agt_1')
    expect(fake.last.url).toBe('/api/guardian/v1/agents/agt_1')
  })

  it('go through an injected fetch', async () => {
    const seen: string[] = []
    const custom = new TesseraClient({
      baseUrl: fake.url,
      apiKey: 'k',
      fetch: (input, init) => {
        seen.push(input instanceof Request ? input.url : input.toString())
        return fetch(input, init)
      },
    })
    await custom.agents.get('agt_1')
    expect(seen).toEqual([`${fake.url}/v1/agents/agt_1`])
  })
})

describe('options', () => {
  it.each([
    [{ baseUrl: 'http://x', apiKey: '' }, /apiKey is required/],
    [{ baseUrl: 'localhost:8080', apiKey: 'k' }, /baseUrl must be http/],
    [{ baseUrl: 'not a url', apiKey: 'k' }, /baseUrl must be an absolute URL/],
    [{ baseUrl: 'http://x', apiKey: 'k', timeoutMs: 0 }, /timeoutMs must be a positive integer/],
  ])('are checked up front: %j', (options, message) => {
    expect(() => new TesseraClient(options)).toThrow(message)
  })
})

describe('TesseraClient.fromEnv', () => {
  it('reads TESSERA_URL and TESSERA_API_KEY', async () => {
    const fromEnv = TesseraClient.fromEnv({}, { TESSERA_URL: fake.url, TESSERA_API_KEY: 'env_k' })
    await fromEnv.agents.get('agt_1')
    expect(fake.last.headers.authorization).toBe('Bearer env_k')
  })

  it('reads process.env by default', () => {
    const saved = { url: process.env['TESSERA_URL'], key: process.env['TESSERA_API_KEY'] }
    process.env['TESSERA_URL'] = fake.url
    process.env['TESSERA_API_KEY'] = 'k'
    try {
      expect(TesseraClient.fromEnv({ timeoutMs: 50 })).toBeInstanceOf(TesseraClient)
    } finally {
      restore('TESSERA_URL', saved.url)
      restore('TESSERA_API_KEY', saved.key)
    }
  })

  it('names every missing variable', () => {
    expect(() => TesseraClient.fromEnv({}, {})).toThrow(
      /TESSERA_URL and TESSERA_API_KEY must be set/,
    )
    expect(() =>
      TesseraClient.fromEnv({}, { TESSERA_URL: 'http://x', TESSERA_API_KEY: ' ' }),
    ).toThrow(/@tessera\/sdk: TESSERA_API_KEY must be set/)
    expect(() => TesseraClient.fromEnv({}, { TESSERA_API_KEY: 'k' })).toThrow(
      /@tessera\/sdk: TESSERA_URL must be set/,
    )
  })

  it('still validates what it read', () => {
    expect(() => TesseraClient.fromEnv({}, { TESSERA_URL: 'nope', TESSERA_API_KEY: 'k' })).toThrow(
      /baseUrl must be an absolute URL/,
    )
  })
})

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name]
  else process.env[name] = value
}
