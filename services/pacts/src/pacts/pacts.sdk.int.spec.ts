import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PACT_TERMS_MAX_BYTES } from '@tessera/contracts'
import { generateEd25519KeyPair, verifyHash } from '@tessera/crypto'
import { NotFoundError, TesseraError, pactHash, signPact } from '@tessera/sdk'
import { expectRebuildEqualsLive } from '@tessera/testing'
import { PactsHarness, type TestAgent, type TestOrg, termsOf } from '../testing/pacts-harness.ts'
import { pactsProjection } from './pacts.projection.ts'

/**
 * Pacts through the SDK, as two agents of two orgs use it: a buyer of org A, a seller of org B,
 * and org C that is no party. Every refusal is a stable code and leaves the log as it was.
 */
let h: PactsHarness
let a: TestOrg
let b: TestOrg
let c: TestOrg
let buyer: TestAgent
let seller: TestAgent

beforeAll(async () => {
  h = await PactsHarness.start()
  ;[a, b, c] = [await h.org(), await h.org(), await h.org()]
  buyer = await h.agent(a)
  seller = await h.agent(b)
})
afterAll(async () => {
  await h?.stop()
})

/** The refusal `call` ends in, and that it stored no event. */
async function refused(call: () => Promise<unknown>): Promise<TesseraError> {
  const before = await h.eventCount()
  const err = await call().then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(TesseraError)
  expect(await h.eventCount(), 'nothing is stored on a refusal').toBe(before)
  return err as TesseraError
}

describe('a negotiation through Tessera', () => {
  it('proposal, counter by the seller, accept by the buyer: active with both signatures', async () => {
    const t1 = termsOf(buyer, seller)
    const proposed = await a.client.pacts.propose({
      terms: t1,
      signature: signPact(t1, buyer.keys.secretKey),
    })
    expect(proposed).toMatchObject({
      pactHash: pactHash(t1),
      status: 'proposed',
      awaiting: seller.agentId,
      parties: { buyer: { agentId: buyer.agentId }, seller: { agentId: seller.agentId } },
    })
    const pactId = proposed.pactId

    // the seller's org sees it; org C does not, even by id
    expect((await b.client.pacts.get(pactId)).pactHash).toBe(pactHash(t1))
    await expect(c.client.pacts.get(pactId)).rejects.toBeInstanceOf(NotFoundError)

    // the buyer may not answer its own round
    const t2 = { ...t1, payment: { amount: '450000000', currency: 'USDC' as const } }
    const wrongTurn = await refused(() =>
      a.client.pacts.counter({
        pactId,
        amendedTerms: t2,
        signature: signPact(t2, buyer.keys.secretKey),
      }),
    )
    expect(wrongTurn).toMatchObject({ status: 409, code: 'PACT_NOT_YOUR_TURN' })

    const countered = await b.client.pacts.counter({
      pactId,
      amendedTerms: t2,
      signature: signPact(t2, seller.keys.secretKey),
    })
    expect(countered).toMatchObject({ status: 'proposed', awaiting: buyer.agentId })
    expect(countered.rounds.map((r) => r.round)).toEqual([1, 2])
    // a new hash: only the counter's own signature holds for it
    expect(countered.signatures).toEqual({ seller: signPact(t2, seller.keys.secretKey) })
    expect(countered.pactHash).toBe(pactHash(t2))

    // accepting round 1's hash is stale
    const stale = await refused(() =>
      a.client.pacts.accept({
        pactId,
        pactHash: pactHash(t1),
        signature: signPact(t1, buyer.keys.secretKey),
      }),
    )
    expect(stale).toMatchObject({ status: 409, code: 'PACT_HASH_STALE' })

    const active = await a.client.pacts.accept({
      pactId,
      pactHash: pactHash(t2),
      signature: signPact(t2, buyer.keys.secretKey),
    })
    expect(active).toMatchObject({ status: 'active', pactHash: pactHash(t2), awaiting: null })
    expect(verifyHash(active.pactHash, active.signatures.buyer!, buyer.keys.publicKey)).toBe(true)
    expect(verifyHash(active.pactHash, active.signatures.seller!, seller.keys.publicKey)).toBe(true)
    expect(pactHash(active.terms)).toBe(active.pactHash)

    const listed = await b.client.pacts.list({ status: 'active' })
    expect(listed.items.map((p) => p.pactId)).toContain(pactId)
    expect((await c.client.pacts.list()).items).toEqual([])
  })
})

describe('a pact negotiated peer to peer, then registered', () => {
  it('registers with both signatures, by handle and did:key; a replay is refused', async () => {
    const terms = termsOf(buyer, seller)
    const request = {
      pactHash: pactHash(terms),
      buyerDid: `A-${buyer.handle}`,
      sellerDid: seller.did,
      buyerSignature: signPact(terms, buyer.keys.secretKey),
      sellerSignature: signPact(terms, seller.keys.secretKey),
      terms,
    }
    const registered = await b.client.pacts.register(request)
    expect(registered).toMatchObject({ pactHash: pactHash(terms), status: 'active' })
    expect(registered.pactId).toMatch(/^pact_/)
    const pact = await a.client.pacts.get(registered.pactId)
    expect(pact.signatures).toEqual({
      buyer: request.buyerSignature,
      seller: request.sellerSignature,
    })

    const replay = await refused(() => a.client.pacts.register(request))
    expect(replay).toMatchObject({ status: 409, code: 'PACT_NONCE_REPLAYED' })
    // the same nonce through the negotiated way is a replay too
    const again = await refused(() =>
      a.client.pacts.propose({ terms, signature: request.buyerSignature }),
    )
    expect(again).toMatchObject({ status: 409, code: 'PACT_NONCE_REPLAYED' })

    // the seller reports a failure; the buyer may not
    await b.client.pacts.reportExecutionFailure({
      pactId: registered.pactId,
      failureReason: 'data source down',
    })
    const notSeller = await refused(() =>
      a.client.pacts.reportExecutionFailure({ pactId: registered.pactId, failureReason: 'x' }),
    )
    expect(notSeller).toMatchObject({ status: 403, code: 'PACT_SELLER_ONLY' })
  })
})

describe('the hash of what is served', () => {
  it('is the pactHash of the terms as GET returns them, for JCS edge cases (Postgres jsonb in between)', async () => {
    const extensions = {
      big: 1e21,
      negZero: -0,
      small: 1e-7,
      max: Number.MAX_VALUE,
      unsafe: 2 ** 53 + 2,
      text: 'é\u2028🙂\u00a0\ufffd',
      '\u00e9': 'key order by UTF-16 code units',
      Z: [0.1, 0.30000000000000004],
    }
    const terms = termsOf(buyer, seller, { extensions })
    const pact = await a.client.pacts.propose({
      terms,
      signature: signPact(terms, buyer.keys.secretKey),
    })
    const served = await b.client.pacts.get(pact.pactId)
    expect(served.pactHash).toBe(pactHash(terms))
    expect(pactHash(served.terms)).toBe(served.pactHash)
    expect(pactHash(served.rounds[0]!.terms)).toBe(served.pactHash)
    // and the room entry carrying those terms still hashes to its entryHash
    expect((await b.client.rooms.verify(pact.pactId)).valid).toBe(true)
  })
})

describe('refusals', () => {
  it('two registrations of one nonce at once: one pact, the other a 409, never a 500', async () => {
    const terms = termsOf(buyer, seller)
    const request = {
      pactHash: pactHash(terms),
      buyerDid: buyer.agentId,
      sellerDid: seller.agentId,
      buyerSignature: signPact(terms, buyer.keys.secretKey),
      sellerSignature: signPact(terms, seller.keys.secretKey),
      terms,
    }
    const before = await h.eventCount('PactRegistered')
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, () => a.client.pacts.register(request)),
    )
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    for (const r of results.filter((r) => r.status === 'rejected')) {
      expect(r.reason).toMatchObject({ status: 409, code: 'PACT_NONCE_REPLAYED' })
    }
    expect(await h.eventCount('PactRegistered')).toBe(before + 1)
  })

  it('a forged signature, in a proposal and in a registration', async () => {
    const forger = generateEd25519KeyPair()
    const terms = termsOf(buyer, seller)
    const proposal = await refused(() =>
      a.client.pacts.propose({ terms, signature: signPact(terms, forger.secretKey) }),
    )
    expect(proposal).toMatchObject({
      status: 422,
      code: 'PACT_SIGNATURE_INVALID',
      details: { role: 'buyer' },
    })
    const registration = await refused(() =>
      a.client.pacts.register({
        pactHash: pactHash(terms),
        buyerDid: buyer.agentId,
        sellerDid: seller.agentId,
        buyerSignature: signPact(terms, buyer.keys.secretKey),
        sellerSignature: signPact(terms, forger.secretKey),
        terms,
      }),
    )
    expect(registration).toMatchObject({ status: 422, details: { role: 'seller' } })
  })

  it('unknown counterparty, revoked party, keyless agent, foreign proposer', async () => {
    const propose = (org: TestOrg, from: TestAgent, to: { agentId: string }) => {
      const terms = termsOf(from, to as TestAgent)
      return org.client.pacts.propose({ terms, signature: signPact(terms, from.keys.secretKey) })
    }
    const unknown = await refused(() => propose(a, buyer, { agentId: 'agt_nobody' }))
    expect(unknown).toMatchObject({ status: 422, code: 'PACT_UNKNOWN_AGENT' })

    const revoked = await h.agent(b)
    await h.revoke(revoked)
    expect(await refused(() => propose(a, buyer, revoked))).toMatchObject({
      status: 409,
      code: 'AGENT_REVOKED',
    })

    const keyless = await h.agent(b, { withKey: false })
    expect(await refused(() => propose(a, buyer, keyless))).toMatchObject({
      status: 422,
      code: 'PACT_AGENT_HAS_NO_KEY',
    })

    // org C cannot propose in A's buyer's name
    expect(await refused(() => propose(c, buyer, seller))).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
    })
  })

  it('terms over the size cap are a 413, terms failing the contract a 400', async () => {
    const big = termsOf(buyer, seller, {
      extensions: { notes: 'x'.repeat(PACT_TERMS_MAX_BYTES) },
    })
    const tooLarge = await refused(() =>
      a.client.pacts.propose({ terms: big, signature: signPact(big, buyer.keys.secretKey) }),
    )
    expect(tooLarge).toMatchObject({ status: 413, code: 'PACT_TERMS_TOO_LARGE' })

    const bad = { ...termsOf(buyer, seller), payment: { amount: '1.5', currency: 'USDC' } }
    const invalid = await refused(() =>
      a.client.pacts.propose({
        terms: bad as never,
        signature: signPact(bad, buyer.keys.secretKey),
      }),
    )
    expect(invalid).toMatchObject({ status: 400, code: 'VALIDATION_ERROR' })
  })

  it('rejection ends a negotiation; org C cannot touch it', async () => {
    const terms = termsOf(buyer, seller)
    const { pactId } = await a.client.pacts.propose({
      terms,
      signature: signPact(terms, buyer.keys.secretKey),
    })
    const stranger = await refused(() => c.client.pacts.reject({ pactId, reason: 'mine' }))
    expect(stranger).toMatchObject({ status: 404, code: 'NOT_FOUND' })
    expect(await b.client.pacts.reject({ pactId, reason: 'too cheap' })).toMatchObject({
      status: 'rejected',
    })
  })
})

describe('the pacts read model', () => {
  it('rebuilt from the log equals the live rows (after the histories above)', async () => {
    const counts = await expectRebuildEqualsLive(h.svc.db, h.svc.schema, [pactsProjection])
    expect(counts['pacts']).toBeGreaterThanOrEqual(3)
    expect(counts['pact_nonces']).toBeGreaterThanOrEqual(3)
  })
})
