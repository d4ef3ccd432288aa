import { describe, it } from 'vitest'
import { PACT_EXTENSION_MAX_DEPTH, type PactTerms } from '@tessera/contracts'
import { generateEd25519KeyPair, pactHash, signHash, signPact } from '@tessera/crypto'
import { spec } from '@tessera/testing'
import {
  AgentHasNoKey,
  AmbiguousAgent,
  BadSignature,
  HashMismatch,
  NonceReplayed,
  NotOwnAgent,
  NotYourTurn,
  PactNotActive,
  PactNotFound,
  PactNotProposed,
  PartiesMismatch,
  PartyRevoked,
  SameParty,
  SellerOnly,
  StaleHash,
  UnknownAgent,
} from './pact.errors.ts'
import { type Party, type PactCommand, pactDecider } from './pact.decider.ts'
import { TermsInvalid, TermsTooLarge } from './pact-terms.ts'
import type { PactEvent } from './pact.state.ts'

const pactId = 'pact_0123456789abcdefghjkmnpqrs'
const buyerOrg = 'org_0000000000000000000000000b'
const sellerOrg = 'org_0000000000000000000000000s'
const now = new Date('2026-12-06T10:00:00.000Z')
const at = now.toISOString()
const expiresAt = '2026-12-07T10:00:00.000Z'
const keys = { buyer: generateEd25519KeyPair(), seller: generateEd25519KeyPair() }
const stranger = generateEd25519KeyPair()
const buyer: Party = {
  agentId: 'agt_000000000000000000000buyer',
  orgId: buyerOrg,
  publicKey: keys.buyer.publicKey,
  status: 'active',
}
const seller: Party = {
  agentId: 'agt_00000000000000000000seller',
  orgId: sellerOrg,
  publicKey: keys.seller.publicKey,
  status: 'active',
}
const party = (p: Party) => ({ agentId: p.agentId, orgId: p.orgId })

const terms = (over: Partial<PactTerms> = {}): PactTerms => ({
  proposedBy: buyer.agentId,
  proposedTo: seller.agentId,
  capability: 'financial-analysis',
  taskDescription: 'DCF analysis, 3 scenarios',
  deliverableFormat: 'JSON + PDF summary',
  conditions: [],
  deadlineUtc: '2026-12-10T18:00:00Z',
  payment: { amount: '500000000', currency: 'USDC' },
  escrowArbiter: 'tessera',
  proposedAt: at,
  nonce: 'nonce-0001',
  ...over,
})
const t1 = terms()
const t2 = terms({ payment: { amount: '450000000', currency: 'USDC' } })
const t3 = terms({ payment: { amount: '475000000', currency: 'USDC' } })

const found = (p: Party | null, ref = p?.agentId ?? 'agt_nobody') => ({ ref, party: p })
const propose = (over: Partial<Extract<PactCommand, { type: 'ProposePact' }>> = {}) =>
  ({
    type: 'ProposePact',
    pactId,
    callerOrgId: buyerOrg,
    now,
    terms: t1,
    signature: signPact(t1, keys.buyer.secretKey),
    proposedBy: found(buyer),
    proposedTo: found(seller),
    nonceUsedBy: null,
    ttlSeconds: 86_400,
    ...over,
  }) satisfies PactCommand
const counter = (
  t: PactTerms,
  by: 'buyer' | 'seller',
  over: Partial<Extract<PactCommand, { type: 'CounterPact' }>> = {},
) =>
  ({
    type: 'CounterPact',
    pactId,
    callerOrgId: by === 'buyer' ? buyerOrg : sellerOrg,
    now,
    terms: t,
    signature: signPact(t, keys[by].secretKey),
    proposedBy: found(buyer),
    proposedTo: found(seller),
    nonceUsedBy: null,
    roundLimit: 3,
    ttlSeconds: 86_400,
    ...over,
  }) satisfies PactCommand
const accept = (
  t: PactTerms,
  by: 'buyer' | 'seller',
  over: Partial<Extract<PactCommand, { type: 'AcceptPact' }>> = {},
) =>
  ({
    type: 'AcceptPact',
    pactId,
    callerOrgId: by === 'buyer' ? buyerOrg : sellerOrg,
    now,
    pactHash: pactHash(t),
    signature: signPact(t, keys[by].secretKey),
    buyer,
    seller,
    ...over,
  }) satisfies PactCommand
const register = (over: Partial<Extract<PactCommand, { type: 'RegisterPact' }>> = {}) =>
  ({
    type: 'RegisterPact',
    pactId,
    callerOrgId: sellerOrg,
    now,
    pactHash: pactHash(t1),
    terms: t1,
    buyerDid: found(buyer),
    sellerDid: found(seller),
    buyerSignature: signPact(t1, keys.buyer.secretKey),
    sellerSignature: signPact(t1, keys.seller.secretKey),
    proposedBy: found(buyer),
    proposedTo: found(seller),
    nonceUsedBy: null,
    ...over,
  }) satisfies PactCommand

const proposed: PactEvent = {
  type: 'PactProposed',
  data: {
    pactId,
    round: 1,
    terms: t1,
    pactHash: pactHash(t1),
    signature: signPact(t1, keys.buyer.secretKey),
    buyer: party(buyer),
    seller: party(seller),
    expiresAt,
    proposedAt: at,
  },
}
const countered = (round: number, t: PactTerms, by: 'buyer' | 'seller'): PactEvent => ({
  type: 'PactCountered',
  data: {
    pactId,
    round,
    terms: t,
    pactHash: pactHash(t),
    signature: signPact(t, keys[by].secretKey),
    by: (by === 'buyer' ? buyer : seller).agentId,
    expiresAt,
    counteredAt: at,
  },
})
const registered: PactEvent = {
  type: 'PactRegistered',
  data: {
    pactId,
    pactHash: pactHash(t1),
    terms: t1,
    buyer: party(buyer),
    seller: party(seller),
    buyerSignature: signPact(t1, keys.buyer.secretKey),
    sellerSignature: signPact(t1, keys.seller.secretKey),
    registeredAt: at,
  },
}

describe('pact decider: propose', () => {
  it('opens round 1, signed by the buyer, awaiting the seller until the deadline', () => {
    spec(pactDecider).given([]).when(propose()).then([proposed])
  })
  it('refuses a bad signature and the signature of another agent (the seller, a stranger)', () => {
    const t = pactDecider
    spec(t)
      .given([])
      .when(propose({ signature: 'ab'.repeat(64) }))
      .thenThrows(BadSignature)
    spec(t)
      .given([])
      .when(propose({ signature: signPact(t1, keys.seller.secretKey) }))
      .thenThrows(BadSignature)
    spec(t)
      .given([])
      .when(propose({ signature: signPact(t1, stranger.secretKey) }))
      .thenThrows(BadSignature)
    // a signature over other terms
    spec(t)
      .given([])
      .when(propose({ signature: signPact(t2, keys.buyer.secretKey) }))
      .thenThrows(BadSignature)
  })
  it('refuses an unknown counterparty, a revoked party and an agent without a key', () => {
    spec(pactDecider)
      .given([])
      .when(propose({ proposedTo: found(null, 'A-deadbeef') }))
      .thenThrows(UnknownAgent)
    spec(pactDecider)
      .given([])
      .when(propose({ proposedTo: found({ ...seller, status: 'revoked' }) }))
      .thenThrows(PartyRevoked)
    spec(pactDecider)
      .given([])
      .when(propose({ proposedBy: found({ ...buyer, status: 'revoked' }) }))
      .thenThrows(PartyRevoked)
    spec(pactDecider)
      .given([])
      .when(propose({ proposedTo: found({ ...seller, publicKey: undefined }) }))
      .thenThrows(AgentHasNoKey)
    const twoHolders = { ref: 'did:key:z6Mk…', party: null, ambiguous: true as const }
    spec(pactDecider)
      .given([])
      .when(propose({ proposedTo: twoHolders }))
      .thenThrows(AmbiguousAgent)
    spec(pactDecider)
      .given([])
      .when(register({ sellerDid: twoHolders, proposedTo: twoHolders }))
      .thenThrows(AmbiguousAgent)
  })
  it('refuses a proposer of another org, a pact with oneself and a replayed nonce', () => {
    spec(pactDecider)
      .given([])
      .when(propose({ callerOrgId: sellerOrg }))
      .thenThrows(NotOwnAgent)
    spec(pactDecider)
      .given([])
      .when(propose({ proposedTo: found(buyer) }))
      .thenThrows(SameParty)
    spec(pactDecider)
      .given([])
      .when(propose({ nonceUsedBy: 'pact_00000000000000000000000old' }))
      .thenThrows(NonceReplayed)
  })
  it('refuses terms that fail the contract, and terms over the size cap', () => {
    spec(pactDecider)
      .given([])
      .when(propose({ terms: { ...t1, payment: { amount: '-5', currency: 'USDC' } } }))
      .thenThrows(TermsInvalid)
    spec(pactDecider)
      .given([])
      .when(propose({ terms: { ...t1, surprise: true } }))
      .thenThrows(TermsInvalid)
    spec(pactDecider)
      .given([])
      .when(propose({ terms: { ...t1, extensions: { blob: 'x'.repeat(40_000) } } }))
      .thenThrows(TermsTooLarge)
  })
  it('refuses extensions nested too deep, without overflowing the stack (not a 500)', () => {
    const nest = (depth: number) => {
      let v: unknown = 1
      for (let i = 0; i < depth; i++) v = [v]
      return v
    }
    // 5,000 levels are 10 kB, under the size cap, and used to overflow zod's recursive z.json()
    for (const depth of [PACT_EXTENSION_MAX_DEPTH + 1, 5_000]) {
      spec(pactDecider)
        .given([])
        .when(propose({ terms: { ...t1, extensions: { deep: nest(depth) } } }))
        .thenThrows(TermsInvalid)
    }
    const within = terms({ extensions: { deep: nest(PACT_EXTENSION_MAX_DEPTH) } as never })
    spec(pactDecider)
      .given([])
      .when(propose({ terms: within, signature: signPact(within, keys.buyer.secretKey) }))
      .then([
        {
          type: 'PactProposed',
          data: {
            ...(proposed.data as object),
            terms: within,
            pactHash: pactHash(within),
            signature: signPact(within, keys.buyer.secretKey),
          } as never,
        },
      ])
  })
})

describe('pact decider: counter', () => {
  it('a counter by the seller is round 2, awaiting the buyer; the buyer may counter again', () => {
    spec(pactDecider)
      .given([proposed])
      .when(counter(t2, 'seller'))
      .then([countered(2, t2, 'seller')])
    spec(pactDecider)
      .given([proposed, countered(2, t2, 'seller')])
      .when(counter(t3, 'buyer'))
      .then([countered(3, t3, 'buyer')])
  })
  it('refuses the party whose turn it is not', () => {
    spec(pactDecider).given([proposed]).when(counter(t2, 'buyer')).thenThrows(NotYourTurn)
    spec(pactDecider)
      .given([proposed, countered(2, t2, 'seller')])
      .when(counter(t3, 'seller'))
      .thenThrows(NotYourTurn)
  })
  it("refuses a bad signature, a stranger's key, changed parties and a replayed nonce", () => {
    spec(pactDecider)
      .given([proposed])
      .when(counter(t2, 'seller', { signature: signPact(t2, stranger.secretKey) }))
      .thenThrows(BadSignature)
    spec(pactDecider)
      .given([proposed])
      .when(counter(t2, 'seller', { proposedTo: found({ ...buyer, agentId: 'agt_x' }) }))
      .thenThrows(PartiesMismatch)
    spec(pactDecider)
      .given([proposed])
      .when(counter(t2, 'seller', { nonceUsedBy: 'pact_00000000000000000000000old' }))
      .thenThrows(NonceReplayed)
    // its own nonce is no replay
    spec(pactDecider)
      .given([proposed])
      .when(counter(t2, 'seller', { nonceUsedBy: pactId }))
      .then([countered(2, t2, 'seller')])
  })
  it('refuses a revoked party, a pact of other orgs, and a pact that is not proposed', () => {
    spec(pactDecider)
      .given([proposed])
      .when(counter(t2, 'seller', { proposedBy: found({ ...buyer, status: 'revoked' }) }))
      .thenThrows(PartyRevoked)
    spec(pactDecider)
      .given([proposed])
      .when(counter(t2, 'seller', { callerOrgId: 'org_00000000000000000000000other' }))
      .thenThrows(PactNotFound)
    spec(pactDecider).given([]).when(counter(t2, 'seller')).thenThrows(PactNotFound)
    spec(pactDecider).given([registered]).when(counter(t2, 'seller')).thenThrows(PactNotProposed)
  })
  it('a counter past the round limit expires the pact (round_limit)', () => {
    spec(pactDecider)
      .given([proposed, countered(2, t2, 'seller'), countered(3, t3, 'buyer')])
      .when(counter(t2, 'seller'))
      .then([
        { type: 'PactExpired', data: { pactId, round: 3, reason: 'round_limit', expiredAt: at } },
      ])
    spec(pactDecider)
      .given([proposed])
      .when(counter(t2, 'seller', { roundLimit: 1 }))
      .then([
        { type: 'PactExpired', data: { pactId, round: 1, reason: 'round_limit', expiredAt: at } },
      ])
  })
})

describe('pact decider: accept and reject', () => {
  const active = (round: number, bySeller: boolean, t: PactTerms): PactEvent => ({
    type: 'PactAccepted',
    data: {
      pactId,
      pactHash: pactHash(t),
      terms: t,
      buyer: party(buyer),
      seller: party(seller),
      buyerSignature: signPact(t, keys.buyer.secretKey),
      sellerSignature: signPact(t, keys.seller.secretKey),
      round,
      by: bySeller ? seller.agentId : buyer.agentId,
      acceptedAt: at,
    },
  })
  it('the other party accepts the current hash: active, with both signatures', () => {
    spec(pactDecider)
      .given([proposed])
      .when(accept(t1, 'seller'))
      .then([active(1, true, t1)])
    spec(pactDecider)
      .given([proposed, countered(2, t2, 'seller')])
      .when(accept(t2, 'buyer'))
      .then([active(2, false, t2)])
  })
  it('refuses a stale hash, the wrong turn, a bad signature and a revoked party', () => {
    spec(pactDecider)
      .given([proposed, countered(2, t2, 'seller')])
      .when(accept(t1, 'buyer'))
      .thenThrows(StaleHash)
    spec(pactDecider).given([proposed]).when(accept(t1, 'buyer')).thenThrows(NotYourTurn)
    spec(pactDecider)
      .given([proposed])
      .when(accept(t1, 'seller', { signature: signHash(pactHash(t1), stranger.secretKey) }))
      .thenThrows(BadSignature)
    spec(pactDecider)
      .given([proposed])
      .when(accept(t1, 'seller', { buyer: { ...buyer, status: 'revoked' } }))
      .thenThrows(PartyRevoked)
    spec(pactDecider)
      .given([proposed, active(1, true, t1)])
      .when(accept(t1, 'seller'))
      .thenThrows(PactNotProposed)
  })
  it('either party rejects a proposed pact; a stranger cannot, nor after it ended', () => {
    const reject = (callerOrgId: string): PactCommand => ({
      type: 'RejectPact',
      pactId,
      callerOrgId,
      now,
      reason: 'too expensive',
    })
    const rejected = (by: Party): PactEvent => ({
      type: 'PactRejected',
      data: { pactId, round: 1, by: by.agentId, reason: 'too expensive', rejectedAt: at },
    })
    spec(pactDecider)
      .given([proposed])
      .when(reject(sellerOrg))
      .then([rejected(seller)])
    spec(pactDecider)
      .given([proposed])
      .when(reject(buyerOrg))
      .then([rejected(buyer)])
    spec(pactDecider)
      .given([proposed])
      .when(reject('org_00000000000000000000000other'))
      .thenThrows(PactNotFound)
    spec(pactDecider)
      .given([proposed, rejected(seller)])
      .when(reject(sellerOrg))
      .thenThrows(PactNotProposed)
  })
})

describe('pact decider: register', () => {
  it('registers a peer-to-peer pact with both signatures: active', () => {
    spec(pactDecider).given([]).when(register()).then([registered])
    spec(pactDecider)
      .given([])
      .when(register({ callerOrgId: buyerOrg }))
      .then([registered])
  })
  it("takes the refs in either order: the buyer is terms.proposedBy, each signature its ref's", () => {
    spec(pactDecider)
      .given([])
      .when(
        register({
          buyerDid: found(seller),
          sellerDid: found(buyer),
          buyerSignature: signPact(t1, keys.seller.secretKey),
          sellerSignature: signPact(t1, keys.buyer.secretKey),
        }),
      )
      .then([registered])
  })
  it("refuses a hash that is not the terms', refs of other agents and a caller of neither party", () => {
    spec(pactDecider)
      .given([])
      .when(register({ pactHash: pactHash(t2) }))
      .thenThrows(HashMismatch)
    spec(pactDecider)
      .given([])
      .when(register({ sellerDid: found({ ...seller, agentId: 'agt_someone_else' }) }))
      .thenThrows(PartiesMismatch)
    spec(pactDecider)
      .given([])
      .when(register({ buyerDid: found(seller), sellerDid: found(seller) }))
      .thenThrows(PartiesMismatch)
    spec(pactDecider)
      .given([])
      .when(register({ callerOrgId: 'org_00000000000000000000000other' }))
      .thenThrows(NotOwnAgent)
  })
  it("refuses a forged signature of either party, and one by another agent's key", () => {
    spec(pactDecider)
      .given([])
      .when(register({ sellerSignature: signPact(t1, stranger.secretKey) }))
      .thenThrows(BadSignature)
    spec(pactDecider)
      .given([])
      .when(register({ buyerSignature: signPact(t1, keys.seller.secretKey) }))
      .thenThrows(BadSignature)
  })
  it('refuses a replayed nonce, an unknown or revoked party, and bad terms', () => {
    spec(pactDecider)
      .given([])
      .when(register({ nonceUsedBy: 'pact_00000000000000000000000old' }))
      .thenThrows(NonceReplayed)
    spec(pactDecider)
      .given([])
      .when(register({ sellerDid: found(null, 'did:key:z6MkNobody') }))
      .thenThrows(UnknownAgent)
    spec(pactDecider)
      .given([])
      .when(register({ sellerDid: found({ ...seller, status: 'revoked' }) }))
      .thenThrows(PartyRevoked)
    spec(pactDecider)
      .given([])
      .when(register({ terms: { ...t1, nonce: 'short' } }))
      .thenThrows(TermsInvalid)
  })
})

describe('pact decider: expiry and execution failures', () => {
  const expire = (round: number): PactCommand => ({ type: 'ExpirePact', pactId, round, now })
  const expired: PactEvent = {
    type: 'PactExpired',
    data: { pactId, round: 1, reason: 'unanswered', expiredAt: at },
  }
  it('expires the round it was set for, once; a later round or an ended pact is nothing', () => {
    spec(pactDecider).given([proposed]).when(expire(1)).then([expired])
    spec(pactDecider).given([proposed, expired]).when(expire(1)).then([])
    spec(pactDecider)
      .given([proposed, countered(2, t2, 'seller')])
      .when(expire(1))
      .then([])
    spec(pactDecider).given([registered]).when(expire(1)).then([])
    spec(pactDecider).given([]).when(expire(1)).then([])
  })
  it('past its deadline a round is answered by nobody, even before the scheduler expires it', () => {
    // the job runs a poll after the deadline; a late accept must not beat it to the pact
    const late = new Date(Date.parse(expiresAt) + 1)
    const turns: PactCommand[] = [
      accept(t1, 'seller', { now: late }),
      counter(t2, 'seller', { now: late }),
      { type: 'RejectPact', pactId, callerOrgId: sellerOrg, now: late, reason: 'late' },
    ]
    for (const turn of turns) {
      spec(pactDecider).given([proposed]).when(turn).thenThrows(PactNotProposed)
    }
    spec(pactDecider)
      .given([proposed, countered(2, t2, 'seller')])
      .when(accept(t2, 'buyer', { now: new Date(expiresAt) }))
      .thenThrows(PactNotProposed)
  })
  const report = (callerOrgId: string): PactCommand => ({
    type: 'ReportExecutionFailure',
    pactId,
    callerOrgId,
    now,
    escrowId: 'esc_1',
    failureReason: 'upstream data source down',
  })
  it('the seller reports a failure of an active pact; not the buyer, not before it is active', () => {
    spec(pactDecider)
      .given([registered])
      .when(report(sellerOrg))
      .then([
        {
          type: 'ExecutionFailureReported',
          data: {
            pactId,
            escrowId: 'esc_1',
            failureReason: 'upstream data source down',
            by: seller.agentId,
            reportedAt: at,
          },
        },
      ])
    spec(pactDecider).given([registered]).when(report(buyerOrg)).thenThrows(SellerOnly)
    spec(pactDecider).given([proposed]).when(report(sellerOrg)).thenThrows(PactNotActive)
    spec(pactDecider)
      .given([registered])
      .when(report('org_00000000000000000000000other'))
      .thenThrows(PactNotFound)
  })

  it('reads a param-binding violation on the pact stream as a fact that changes nothing', () => {
    const violated = pactDecider.parse({
      type: 'ParamBindingViolated',
      data: {
        pactId,
        agentId: seller.agentId,
        tool: 'transfer_funds',
        rule: 'param_binding:cap',
        paramsDigest: 'a'.repeat(64),
        telemetryEventId: '01JAAAAAAAAAAAAAAAAAAAAAAA',
        detectedAt: at,
      },
    })
    spec(pactDecider)
      .given([registered, violated])
      .when(report(sellerOrg))
      .then([
        {
          type: 'ExecutionFailureReported',
          data: {
            pactId,
            escrowId: 'esc_1',
            failureReason: 'upstream data source down',
            by: seller.agentId,
            reportedAt: at,
          },
        },
      ])
  })
})
