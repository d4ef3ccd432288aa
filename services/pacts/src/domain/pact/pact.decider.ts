import type { Decider, PactParty, PactTerms } from '@tessera/contracts'
import { pactHash, verifyHash, verifyPactSignature } from '@tessera/crypto'
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
import { admitTerms } from './pact-terms.ts'
import {
  type PactEvent,
  type PactState,
  evolve,
  initialState,
  parsePactEvent,
} from './pact.state.ts'

/** An agent as pacts' directory (guardian's AgentRegistered/AgentRevoked) knows it. */
export interface Party {
  agentId: string
  orgId: string
  did?: string | undefined
  /** The 32-byte Ed25519 key guardian registered; without one the agent cannot sign. */
  publicKey?: Uint8Array | undefined
  status: 'active' | 'revoked'
}
/** An `AgentRef` as sent and what the directory resolved it to (null: nobody). */
export interface Found {
  ref: string
  party: Party | null
  /** The ref (a did:key) names active agents of more than one registration: nobody is picked. */
  ambiguous?: true
}

interface Base {
  pactId: string
  /** The org of the API key that sent the command. */
  callerOrgId: string
  now: Date
}
export type PactCommand =
  | (Base & {
      type: 'ProposePact'
      terms: unknown
      signature: string
      proposedBy: Found
      proposedTo: Found
      /** The pact that already used `terms.nonce` for this proposer, if any. */
      nonceUsedBy: string | null
      ttlSeconds: number
    })
  | (Base & {
      type: 'CounterPact'
      terms: unknown
      signature: string
      proposedBy: Found
      proposedTo: Found
      nonceUsedBy: string | null
      roundLimit: number
      ttlSeconds: number
    })
  | (Base & {
      type: 'AcceptPact'
      pactHash: string
      signature: string
      /** The parties as the directory knows them now (revocation, key). */
      buyer: Party | null
      seller: Party | null
    })
  | (Base & { type: 'RejectPact'; reason: string })
  | (Base & {
      type: 'RegisterPact'
      pactHash: string
      terms: unknown
      buyerDid: Found
      sellerDid: Found
      buyerSignature: string
      sellerSignature: string
      proposedBy: Found
      proposedTo: Found
      nonceUsedBy: string | null
    })
  | { type: 'ExpirePact'; pactId: string; round: number; now: Date }
  | (Base & {
      type: 'ReportExecutionFailure'
      escrowId?: string | undefined
      failureReason: string
    })

type Cmd<T extends PactCommand['type']> = Extract<PactCommand, { type: T }>
type Open = Exclude<PactState, { status: 'none' }>

export function decide(command: PactCommand, state: PactState): PactEvent[] {
  switch (command.type) {
    case 'ProposePact':
      return propose(command)
    case 'CounterPact':
      return counter(command, state)
    case 'AcceptPact':
      return accept(command, state)
    case 'RejectPact':
      return reject(command, state)
    case 'RegisterPact':
      return register(command)
    case 'ExpirePact':
      return expire(command, state)
    case 'ReportExecutionFailure':
      return reportFailure(command, state)
    default: {
      const _exhaustive: never = command
      return _exhaustive
    }
  }
}

/** A registered, unrevoked agent with a key: one that can sign a pact. */
function signer(found: Found | Party | null, ref = ''): Party & { publicKey: Uint8Array } {
  const party = found && 'ref' in found ? found.party : found
  if (found && 'ref' in found && found.ambiguous) throw new AmbiguousAgent(found.ref)
  if (!party) throw new UnknownAgent(found && 'ref' in found ? found.ref : ref)
  if (party.status !== 'active') throw new PartyRevoked(party.agentId)
  if (!party.publicKey) throw new AgentHasNoKey(party.agentId)
  return { ...party, publicKey: party.publicKey }
}

const asParty = (p: Party): PactParty => ({
  agentId: p.agentId,
  orgId: p.orgId,
  ...(p.did ? { did: p.did } : {}),
})
const plus = (now: Date, seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString()

function propose(c: Cmd<'ProposePact'>): PactEvent[] {
  const terms = admitTerms(c.terms)
  if (c.proposedBy.party && c.proposedBy.party.orgId !== c.callerOrgId) {
    throw new NotOwnAgent(c.proposedBy.party.agentId)
  }
  const buyer = signer(c.proposedBy)
  const seller = signer(c.proposedTo)
  if (buyer.agentId === seller.agentId) throw new SameParty('an agent cannot pact with itself')
  if (!verifyPactSignature(terms, c.signature, buyer.publicKey)) throw new BadSignature('buyer')
  if (c.nonceUsedBy !== null) throw new NonceReplayed(terms.nonce)
  const at = c.now.toISOString()
  const data = {
    pactId: c.pactId,
    round: 1 as const,
    terms,
    pactHash: pactHash(terms),
    signature: c.signature,
    buyer: asParty(buyer),
    seller: asParty(seller),
    expiresAt: plus(c.now, c.ttlSeconds),
    proposedAt: at,
  }
  return [{ type: 'PactProposed', data }]
}

/** The pact, if the caller's org is one of its parties'; otherwise it does not exist for them. */
function visible(state: PactState, callerOrgId: string): Open {
  if (
    state.status === 'none' ||
    (state.buyer.orgId !== callerOrgId && state.seller.orgId !== callerOrgId)
  ) {
    throw new PactNotFound('pact not found')
  }
  return state
}

/**
 * A pact still open to a turn. A round past its deadline is over even before the scheduler's
 * job (a poll later) appends `PactExpired`: a late accept, counter or reject must not win that race.
 */
function negotiating(state: PactState, c: Base): Open {
  const s = visible(state, c.callerOrgId)
  if (s.status !== 'proposed') throw new PactNotProposed(s.status)
  if (s.expiresAt !== null && c.now.getTime() >= Date.parse(s.expiresAt)) {
    throw new PactNotProposed('expired')
  }
  return s
}

/**
 * Who is answering the round: the awaited party, when the caller's org holds it and the
 * signature is its own. A valid signature of the party that signed last is a wrong turn.
 */
function answering(
  s: Open,
  callerOrgId: string,
  parties: { buyer: Party | null; seller: Party | null },
  signedBy: (key: Uint8Array) => boolean,
): Party & { publicKey: Uint8Array } {
  const awaitedIsBuyer = s.awaiting === s.buyer.agentId
  const awaited = signer(awaitedIsBuyer ? parties.buyer : parties.seller, s.awaiting ?? '')
  const other = signer(
    awaitedIsBuyer ? parties.seller : parties.buyer,
    awaitedIsBuyer ? s.seller.agentId : s.buyer.agentId,
  )
  const holdsAwaited = awaited.orgId === callerOrgId
  if (holdsAwaited && signedBy(awaited.publicKey)) return awaited
  if (!holdsAwaited || signedBy(other.publicKey)) {
    throw new NotYourTurn(`it is ${awaited.agentId}'s turn`)
  }
  throw new BadSignature(awaitedIsBuyer ? 'buyer' : 'seller')
}

function counter(c: Cmd<'CounterPact'>, state: PactState): PactEvent[] {
  const s = negotiating(state, c)
  const terms = admitTerms(c.terms)
  const by = signer(c.proposedBy)
  const to = signer(c.proposedTo)
  if (by.agentId !== s.buyer.agentId || to.agentId !== s.seller.agentId) {
    throw new PartiesMismatch("a counter keeps the pact's parties: proposedBy is the buyer")
  }
  const actor = answering(s, c.callerOrgId, { buyer: by, seller: to }, (key) =>
    verifyPactSignature(terms, c.signature, key),
  )
  if (c.nonceUsedBy !== null && c.nonceUsedBy !== s.pactId) throw new NonceReplayed(terms.nonce)
  const round = s.round + 1
  if (round > c.roundLimit) {
    const expired = { pactId: s.pactId, round: s.round, expiredAt: c.now.toISOString() }
    return [{ type: 'PactExpired', data: { ...expired, reason: 'round_limit' } }]
  }
  const data = {
    pactId: s.pactId,
    round,
    terms,
    pactHash: pactHash(terms),
    signature: c.signature,
    by: actor.agentId,
    expiresAt: plus(c.now, c.ttlSeconds),
    counteredAt: c.now.toISOString(),
  }
  return [{ type: 'PactCountered', data }]
}

function accept(c: Cmd<'AcceptPact'>, state: PactState): PactEvent[] {
  const s = negotiating(state, c)
  if (c.pactHash !== s.pactHash) throw new StaleHash(s.pactHash)
  const actor = answering(s, c.callerOrgId, c, (key) => verifyHash(s.pactHash, c.signature, key))
  const buyerSigned = s.signedBy === s.buyer.agentId
  const data = {
    pactId: s.pactId,
    pactHash: s.pactHash,
    terms: s.terms,
    buyer: s.buyer,
    seller: s.seller,
    buyerSignature: buyerSigned ? s.signature : c.signature,
    sellerSignature: buyerSigned ? c.signature : s.signature,
    round: s.round,
    by: actor.agentId,
    acceptedAt: c.now.toISOString(),
  }
  return [{ type: 'PactAccepted', data }]
}

function reject(c: Cmd<'RejectPact'>, state: PactState): PactEvent[] {
  const s = negotiating(state, c)
  // the awaited party when the caller holds it (both may be one org's), else the other one
  const awaited = s.awaiting === s.buyer.agentId ? s.buyer : s.seller
  const by = awaited.orgId === c.callerOrgId ? awaited : awaited === s.buyer ? s.seller : s.buyer
  const data = {
    pactId: s.pactId,
    round: s.round,
    by: by.agentId,
    reason: c.reason,
    rejectedAt: c.now.toISOString(),
  }
  return [{ type: 'PactRejected', data }]
}

/**
 * A pact both parties signed elsewhere. The buyer is `terms.proposedBy`, whichever of
 * `buyerDid`/`sellerDid` named it: the two must name the terms' two parties, in either order,
 * and each signature is the one sent beside its party's ref.
 */
function register(c: Cmd<'RegisterPact'>): PactEvent[] {
  const terms: PactTerms = admitTerms(c.terms)
  const hash = pactHash(terms)
  if (hash !== c.pactHash) throw new HashMismatch(hash)
  const named = [
    { party: signer(c.buyerDid), signature: c.buyerSignature },
    { party: signer(c.sellerDid), signature: c.sellerSignature },
  ]
  const proposedBy = signer(c.proposedBy)
  const proposedTo = signer(c.proposedTo)
  if (proposedBy.agentId === proposedTo.agentId) {
    throw new SameParty('an agent cannot pact with itself')
  }
  const buyer = named.find((n) => n.party.agentId === proposedBy.agentId)
  const seller = named.find((n) => n.party.agentId === proposedTo.agentId)
  if (!buyer || !seller) {
    throw new PartiesMismatch('buyerDid and sellerDid must name terms.proposedBy and proposedTo')
  }
  if (buyer.party.orgId !== c.callerOrgId && seller.party.orgId !== c.callerOrgId) {
    throw new NotOwnAgent(buyer.party.agentId)
  }
  if (!verifyHash(hash, buyer.signature, buyer.party.publicKey)) throw new BadSignature('buyer')
  if (!verifyHash(hash, seller.signature, seller.party.publicKey)) throw new BadSignature('seller')
  if (c.nonceUsedBy !== null) throw new NonceReplayed(terms.nonce)
  const data = {
    pactId: c.pactId,
    pactHash: hash,
    terms,
    buyer: asParty(buyer.party),
    seller: asParty(seller.party),
    buyerSignature: buyer.signature,
    sellerSignature: seller.signature,
    registeredAt: c.now.toISOString(),
  }
  return [{ type: 'PactRegistered', data }]
}

/**
 * The scheduler's answer to a round's deadline: only the round it was set for, only while it
 * is still unanswered. Anything else is nothing, so a job run twice expires a pact once.
 */
function expire(c: Cmd<'ExpirePact'>, state: PactState): PactEvent[] {
  if (state.status !== 'proposed' || state.round !== c.round) return []
  const data = {
    pactId: state.pactId,
    round: state.round,
    reason: 'unanswered' as const,
    expiredAt: c.now.toISOString(),
  }
  return [{ type: 'PactExpired', data }]
}

function reportFailure(c: Cmd<'ReportExecutionFailure'>, state: PactState): PactEvent[] {
  const s = visible(state, c.callerOrgId)
  if (s.seller.orgId !== c.callerOrgId) {
    throw new SellerOnly('only the seller reports an execution failure')
  }
  if (s.status !== 'active') throw new PactNotActive(s.status)
  const data = {
    pactId: s.pactId,
    ...(c.escrowId === undefined ? {} : { escrowId: c.escrowId }),
    failureReason: c.failureReason,
    by: s.seller.agentId,
    reportedAt: c.now.toISOString(),
  }
  return [{ type: 'ExecutionFailureReported', data }]
}

export const pactDecider: Decider<PactCommand, PactEvent, PactState> = {
  decide,
  evolve,
  initialState,
  parse: parsePactEvent,
}
export const pactStreamId = (pactId: string) => `pact-${pactId}`

/**
 * Whose nonces a proposer's are: its key's (its did:key), not its agent id's. A signature is
 * the key's, and terms may name the proposer by did:key; scoped by agent id, the same signed
 * terms replayed once the key's agent was revoked and registered again as a new agent.
 */
export const nonceScope = (p: Pick<PactParty, 'agentId' | 'did'>): string => p.did ?? p.agentId
