import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TesseraError, pactHash, signPact } from '@tessera/sdk'
import { PactsHarness, type TestOrg, termsOf } from '../testing/pacts-harness.ts'

/**
 * A did:key names a public key, and guardian lets any org register an agent with any public
 * key (public keys are public). So a did:key can name agents of several orgs: pacts must never
 * pick one of them for the sender.
 */
let h: PactsHarness
let a: TestOrg
let b: TestOrg
let c: TestOrg

beforeAll(async () => {
  h = await PactsHarness.start()
  ;[a, b, c] = [await h.org(), await h.org(), await h.org()]
})
afterAll(async () => {
  await h?.stop()
})

describe('a did:key held by agents of two orgs', () => {
  it('is refused as ambiguous, never resolved to one of them (the impostor, half the time)', async () => {
    const buyer = await h.agent(a)
    // org C registers the seller's public key too (before, the agent id that sorted first won)
    const sellerKeys = (await h.agent(c)).keys
    const impostor = await h.agent(c, { keys: sellerKeys })
    const seller = await h.agent(b, { keys: sellerKeys })
    expect(impostor.did).toBe(seller.did)
    const terms = termsOf(buyer, seller, { proposedTo: seller.did })
    const before = await h.eventCount()
    const request = {
      pactHash: pactHash(terms),
      buyerDid: buyer.agentId,
      sellerDid: seller.did,
      buyerSignature: signPact(terms, buyer.keys.secretKey),
      sellerSignature: signPact(terms, seller.keys.secretKey),
      terms,
    }
    // peer to peer, A and B signed; C must not become the seller (and be paid)
    const registered = await a.client.pacts.register(request).catch((e: unknown) => e)
    expect(registered).toBeInstanceOf(TesseraError)
    expect(registered).toMatchObject({ status: 422, code: 'PACT_AMBIGUOUS_AGENT' })
    const proposed = await a.client.pacts
      .propose({ terms, signature: request.buyerSignature })
      .catch((e: unknown) => e)
    expect(proposed).toMatchObject({ status: 422, code: 'PACT_AMBIGUOUS_AGENT' })
    expect(await h.eventCount(), 'nothing stored').toBe(before)

    // by agent id the seller is unambiguous
    const byId = termsOf(buyer, seller)
    const pact = await a.client.pacts.propose({
      terms: byId,
      signature: signPact(byId, buyer.keys.secretKey),
    })
    expect(pact.parties.seller).toMatchObject({ agentId: seller.agentId, orgId: b.orgId })
  })

  it('resolves to the active agent when the others holding the key are revoked', async () => {
    const buyer = await h.agent(a)
    const old = await h.agent(b)
    await h.revoke(old)
    const seller = await h.agent(b, { keys: old.keys })
    const terms = termsOf(buyer, seller, { proposedTo: seller.did })
    const pact = await a.client.pacts.propose({
      terms,
      signature: signPact(terms, buyer.keys.secretKey),
    })
    expect(pact.parties.seller.agentId).toBe(seller.agentId)
  })

  it('keeps a nonce used once per key: a new agent on a revoked agent key cannot replay', async () => {
    const seller = await h.agent(b)
    const old = await h.agent(a)
    // terms naming the buyer by did:key, signed and used once
    const terms = termsOf(old, seller, { proposedBy: old.did })
    const body = { terms, signature: signPact(terms, old.keys.secretKey) }
    await a.client.pacts.propose(body)
    // the key's agent is revoked and registered again: the did now names the new agent
    await h.revoke(old)
    await h.agent(a, { keys: old.keys })
    const before = await h.eventCount()
    const replay = await a.client.pacts.propose(body).catch((e: unknown) => e)
    expect(replay).toMatchObject({ status: 409, code: 'PACT_NONCE_REPLAYED' })
    expect(await h.eventCount(), 'nothing stored').toBe(before)
  })
})
