import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pactHash, signPact } from '@tessera/sdk'
import { PactsHarness, type TestAgent, type TestOrg, termsOf } from './testing/pacts-harness.ts'

/**
 * Org isolation of pacts, as a matrix: a pact is its two parties' orgs' (A the buyer's, B the
 * seller's) and no one else's. Org C calls every pacts endpoint on it: each is a 404 NOT_FOUND
 * or a list without it, nothing of the pact comes back, and the pact is untouched after.
 */
let h: PactsHarness
let a: TestOrg
let b: TestOrg
let c: TestOrg
let buyer: TestAgent
let seller: TestAgent
let pactId: string
let activeId: string

const call = async (org: TestOrg, method: string, path: string, body?: unknown) => {
  const res = await fetch(`${h.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${org.apiKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? null : JSON.stringify(body),
  })
  return { status: res.status, text: await res.text() }
}

beforeAll(async () => {
  h = await PactsHarness.start()
  ;[a, b, c] = [await h.org(), await h.org(), await h.org()]
  buyer = await h.agent(a)
  seller = await h.agent(b)
  const terms = termsOf(buyer, seller)
  ;({ pactId } = await a.client.pacts.propose({
    terms,
    signature: signPact(terms, buyer.keys.secretKey),
  }))
  const p2p = termsOf(buyer, seller)
  ;({ pactId: activeId } = await a.client.pacts.register({
    pactHash: pactHash(p2p),
    buyerDid: buyer.agentId,
    sellerDid: seller.agentId,
    buyerSignature: signPact(p2p, buyer.keys.secretKey),
    sellerSignature: signPact(p2p, seller.keys.secretKey),
    terms: p2p,
  }))
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

const rows: Row[] = [
  { name: 'get pact', method: 'GET', path: () => `/v1/pacts/${pactId}` },
  { name: 'get active pact', method: 'GET', path: () => `/v1/pacts/${activeId}` },
  {
    name: 'counter',
    method: 'POST',
    path: () => `/v1/pacts/${pactId}/counter`,
    body: () => {
      const t = termsOf(buyer, seller)
      return { amendedTerms: t, signature: signPact(t, seller.keys.secretKey) }
    },
  },
  {
    name: 'accept',
    method: 'POST',
    path: () => `/v1/pacts/${pactId}/accept`,
    body: () => ({ pactHash: '0'.repeat(64), signature: '0'.repeat(128) }),
  },
  {
    name: 'reject',
    method: 'POST',
    path: () => `/v1/pacts/${pactId}/reject`,
    body: () => ({ reason: 'not mine' }),
  },
  {
    name: 'report execution failure',
    method: 'POST',
    path: () => `/v1/pacts/${activeId}/execution-failures`,
    body: () => ({ failureReason: 'not mine' }),
  },
  {
    name: "propose in A's agent's name",
    method: 'POST',
    path: () => '/v1/pacts',
    body: () => {
      const t = termsOf(buyer, seller)
      return { terms: t, signature: signPact(t, buyer.keys.secretKey) }
    },
  },
  {
    name: "register A's and B's pact",
    method: 'POST',
    path: () => '/v1/pacts/register',
    body: () => {
      const t = termsOf(buyer, seller)
      return {
        pactHash: pactHash(t),
        buyerDid: buyer.agentId,
        sellerDid: seller.agentId,
        buyerSignature: signPact(t, buyer.keys.secretKey),
        sellerSignature: signPact(t, seller.keys.secretKey),
        terms: t,
      }
    },
  },
]

describe("org C's key on A's and B's pacts", () => {
  it('both parties see them', async () => {
    for (const org of [a, b]) {
      for (const id of [pactId, activeId]) {
        expect((await call(org, 'GET', `/v1/pacts/${id}`)).status).toBe(200)
      }
    }
  })

  it.each(rows)('$name: 404', async (row) => {
    const before = await h.eventCount()
    const res = await call(c, row.method, row.path(), row.body?.())
    expect(res.status, res.text).toBe(404)
    expect(JSON.parse(res.text)).toMatchObject({ code: 'NOT_FOUND' })
    expect(res.text).not.toContain('financial-analysis')
    expect(await h.eventCount()).toBe(before)
  })

  it('list: none of them', async () => {
    for (const org of [a, b]) {
      const own = (await call(org, 'GET', '/v1/pacts')).text
      expect(own).toContain(pactId)
      expect(own).toContain(activeId)
    }
    const theirs = await call(c, 'GET', '/v1/pacts')
    expect(theirs.status).toBe(200)
    expect(theirs.text).not.toContain(pactId)
    expect(theirs.text).not.toContain(activeId)
  })

  it("after all of C's attempts, the pacts are untouched", async () => {
    expect(await a.client.pacts.get(pactId)).toMatchObject({ status: 'proposed' })
    expect((await a.client.pacts.get(pactId)).rounds).toHaveLength(1)
    expect(await h.eventCount('ExecutionFailureReported')).toBe(0)
  })
})
