import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from '@tessera/testing'
import {
  BOOTSTRAP_TOKEN,
  SERVICES,
  startInfra,
  startStack,
  type E2eInfra,
  type RunningStack,
} from './src/index.ts'

let infra: E2eInfra
let stack: RunningStack

beforeAll(async () => {
  infra = await startInfra()
  stack = await startStack(infra)
})
afterAll(async () => {
  await stack?.stop()
  await infra?.dispose()
})

type Body = Record<string, unknown>
type Accounts = { accounts: { accountId: string; currency: string; balance: string }[] }
const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as Body })
const get = (path: string, key?: string) =>
  fetch(
    `${stack.gatewayUrl}${path}`,
    key ? { headers: { authorization: `Bearer ${key}` } } : {},
  ).then(json)

async function createOrg(name: string) {
  const res = await fetch(`${stack.gatewayUrl}/v1/orgs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${BOOTSTRAP_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  }).then(json)
  expect(res.status).toBe(201)
  return res.body as { orgId: string; apiKey: string }
}

/**
 * Waits until `path` shows the org provisioned: a 200 (single records answer 404 before), and
 * for lists, a non-empty `listField`.
 */
const provisioned = (path: string, key?: string, listField?: string) =>
  eventually(
    async () => {
      const r = await get(path, key)
      if (r.status !== 200) return undefined
      if (listField && !(Array.isArray(r.body[listField]) && r.body[listField].length > 0))
        return undefined
      return r.body
    },
    { timeoutMs: 30_000, what: `${path} to be provisioned` },
  )

describe('the whole stack, six services and the gateway as separate processes', () => {
  it('is ready on every service and through the gateway', async () => {
    for (const s of SERVICES) {
      const r = await fetch(`${stack.urls[s]}/health/ready`)
      expect(r.status, `${s} ready`).toBe(200)
    }
    expect((await fetch(`${stack.gatewayUrl}/health/ready`)).status).toBe(200)
  })

  it("carries guardian's OrgCreated to every service, and scoring's ScoreChanged back", async () => {
    const org = await createOrg('E2E Org')
    const trust = await provisioned(`/api/v1/trust/orgs/${org.orgId}`)
    expect(trust).toMatchObject({ subjectId: org.orgId, score: 500, modelVersion: 'v0-baseline' })
    expect(await provisioned('/v1/telemetry/redaction', org.apiKey)).toMatchObject({
      orgId: org.orgId,
    })
    const accounts = await provisioned('/v1/accounts', org.apiKey, 'accounts')
    expect(accounts['accounts']).toEqual([
      expect.objectContaining({ currency: 'USDC', balance: '0' }),
    ])
    // pacts provisions nothing per org (a room is a pact's): its public room keys, through the gateway
    expect(
      (await provisioned('/.well-known/tessera-keys.json', org.apiKey, 'keys'))['keys'],
    ).toHaveLength(1)
    expect(await provisioned('/v1/jury/policy', org.apiKey)).toMatchObject({
      judges: 5,
      trimmedPerSide: 1,
    })
    // Round trip: scoring's event lands back in guardian.
    const me = await eventually(
      async () => {
        const r = await get('/v1/orgs/me', org.apiKey)
        return r.body['trust'] ? r.body : undefined
      },
      { timeoutMs: 30_000, what: 'guardian to learn the score' },
    )
    expect(me['trust']).toEqual({ score: 500, modelVersion: 'v0-baseline' })
  })

  it("never shows one org's records to another org's key", async () => {
    const a = await createOrg('Org A')
    const b = await createOrg('Org B')
    const accountsA = (await provisioned('/v1/accounts', a.apiKey, 'accounts')) as Accounts
    const accountsB = (await provisioned('/v1/accounts', b.apiKey, 'accounts')) as Accounts
    expect(accountsA.accounts).toHaveLength(1)
    expect(accountsB.accounts).toHaveLength(1)
    expect(accountsA.accounts[0]!.accountId).not.toBe(accountsB.accounts[0]!.accountId)
    expect((await get('/v1/orgs/me', b.apiKey)).body['orgId']).toBe(b.orgId)
    expect((await get('/v1/accounts', 'tsk_live_not-a-real-key-000000000000')).status).toBe(401)
  })
})
