import { describe, expect, it } from 'vitest'
import { generateEd25519KeyPair } from '@tessera/crypto'
import { type TesseraClient, pactHash, signPact, verifyPactSignature } from '@tessera/sdk'
import { didOf, publicKeyOfDid } from './identity.ts'
import { SellerAgent } from './seller.ts'
import { sellerCard, tesseraIdentityOf } from './seller-card.ts'
import { textReportOrder } from './provision.ts'
import { PACT_NEGOTIATION, TEXT_REPORT, type NegotiationRequest } from './trade-messages.ts'

const NOW = new Date('2026-12-06T12:00:00Z')
const keyOf = () => generateEd25519KeyPair().secretKey
const sellerKey = keyOf()
const buyerKey = keyOf()
const sellerDid = didOf(sellerKey)
const buyerDid = didOf(buyerKey)

// negotiation is the seller's own policy and its own key: no call to Tessera
const seller = new SellerAgent({
  client: {} as TesseraClient,
  agent: { agentId: 'agt_seller', handle: 'A-0000beef', did: sellerDid, secretKey: sellerKey },
  tesseraUrl: 'http://tessera.test',
  now: () => NOW,
})

function proposal(amount: bigint, over: Record<string, unknown> = {}, key = buyerKey) {
  const order = textReportOrder('one two three.', amount)
  const pact = {
    proposedBy: buyerDid,
    proposedTo: sellerDid,
    capability: order.capability,
    taskDescription: order.taskDescription,
    deliverableFormat: order.deliverableFormat,
    conditions: order.conditions,
    deadlineUtc: new Date(NOW.getTime() + order.deadlineMs).toISOString(),
    payment: { amount: String(amount), currency: 'USDC' as const },
    escrowArbiter: 'tessera',
    proposedAt: NOW.toISOString(),
    nonce: 'nonce-0001',
    ...over,
  }
  const request: NegotiationRequest = {
    taskType: PACT_NEGOTIATION,
    payload: { pact, pactHash: pactHash(pact), signature: signPact(pact, key) },
  }
  return request
}

describe('the seller’s negotiation policy', () => {
  it('accepts at or above its floor, signing the proposed hash with its own key', async () => {
    const request = proposal(5_000_000n)
    const reply = await seller.negotiate(request)
    expect(reply).toMatchObject({ status: 'accepted', pactHash: request.payload.pactHash })
    const signature = reply.status === 'accepted' ? reply.sellerSignature : ''
    expect(verifyPactSignature(request.payload.pact, signature, publicKeyOfDid(sellerDid)!)).toBe(
      true,
    )
  })

  it('counters under its floor with only the price changed, signed', async () => {
    const request = proposal(2_000_000n)
    const reply = await seller.negotiate(request)
    if (reply.status !== 'counter_proposed')
      throw new Error(`expected a counter, got ${reply.status}`)
    expect(reply.amendedPact).toEqual({
      ...request.payload.pact,
      payment: { amount: '5000000', currency: 'USDC' },
    })
    expect(reply.amendedPactHash).toBe(pactHash(reply.amendedPact))
    expect(
      verifyPactSignature(reply.amendedPact, reply.sellerSignature, publicKeyOfDid(sellerDid)!),
    ).toBe(true)
  })

  it.each([
    ['a price not worth countering', proposal(999_999n), /below 1000000/],
    ['a signature by another key', proposal(5_000_000n, {}, keyOf()), /signature is invalid/],
    [
      'terms proposed to another agent',
      proposal(5_000_000n, { proposedTo: buyerDid }),
      /not to this agent/,
    ],
    [
      'another capability',
      proposal(5_000_000n, { capability: 'translation' }),
      /sells text-report/,
    ],
    [
      'a buyer named without its did:key',
      proposal(5_000_000n, { proposedBy: 'agt_buyer' }),
      /did:key/,
    ],
    [
      'a deadline already near',
      proposal(5_000_000n, { deadlineUtc: NOW.toISOString() }),
      /too little time/,
    ],
  ])('rejects %s', async (_what, request, reason) => {
    const reply = await seller.negotiate(request)
    expect(reply.status).toBe('rejected')
    expect(reply.status === 'rejected' && reply.rejectionReason).toMatch(reason)
  })

  it('rejects a hash that is not the hash of the terms sent', async () => {
    const request = proposal(5_000_000n)
    const reply = await seller.negotiate({
      ...request,
      payload: { ...request.payload, pactHash: 'f'.repeat(64) },
    })
    expect(reply).toMatchObject({ status: 'rejected', rejectionReason: /not the hash/ })
  })
})

describe('the card’s Tessera identity', () => {
  const identity = {
    did: sellerDid,
    handle: 'A-0000beef',
    trustProfileUrl: 'http://t/api/v1/trust/agt_seller',
    bondTier: 1,
  }

  it('reads back what the seller’s card carries', () => {
    const card: unknown = JSON.parse(
      JSON.stringify(sellerCard({ name: 's', url: 'http://s', capability: TEXT_REPORT, identity })),
    )
    expect(tesseraIdentityOf(card)).toEqual(identity)
  })

  it('finds none on a card without the extension, or with a DID that is not a did:key', () => {
    const card = sellerCard({ name: 's', url: 'http://s', capability: TEXT_REPORT, identity })
    expect(tesseraIdentityOf({ ...card, capabilities: { extensions: [] } })).toBeUndefined()
    const ext = card.capabilities!.extensions[0]!
    const other = {
      ...card,
      capabilities: { extensions: [{ ...ext, params: { ...identity, did: 'agt_x' } }] },
    }
    expect(tesseraIdentityOf(other)).toBeUndefined()
    expect(tesseraIdentityOf('not a card')).toBeUndefined()
  })
})
