// Every refusal of the pact decider: a typed error with a stable `code`, mapped to a status
// by the shell (pacts.service.ts), so nothing is stored on any of them.

export class UnknownAgent extends Error {
  readonly code = 'PACT_UNKNOWN_AGENT'
  constructor(readonly ref: string) {
    super(`no registered agent is ${ref}`)
  }
}
/** A did:key that agents of more than one registration hold (guardian lets keys repeat). */
export class AmbiguousAgent extends Error {
  readonly code = 'PACT_AMBIGUOUS_AGENT'
  constructor(readonly ref: string) {
    super(`${ref} names more than one registered agent: name the party by its agent id or handle`)
  }
}
export class PartyRevoked extends Error {
  readonly code = 'AGENT_REVOKED'
  constructor(readonly agentId: string) {
    super(`agent ${agentId} is revoked`)
  }
}
export class AgentHasNoKey extends Error {
  readonly code = 'PACT_AGENT_HAS_NO_KEY'
  constructor(readonly agentId: string) {
    super(`agent ${agentId} has no registered public key, so it cannot sign pacts`)
  }
}
/** The proposer (or, for a registration, both parties) is not the caller's org's agent. */
export class NotOwnAgent extends Error {
  readonly code = 'NOT_FOUND'
  constructor(readonly agentId: string) {
    super(`agent ${agentId} not found`)
  }
}
export class SameParty extends Error {
  readonly code = 'PACT_SAME_PARTY'
}
export class PartiesMismatch extends Error {
  readonly code = 'PACT_PARTIES_MISMATCH'
}
export class BadSignature extends Error {
  readonly code = 'PACT_SIGNATURE_INVALID'
  constructor(readonly role: 'buyer' | 'seller') {
    super(`the ${role}'s signature does not verify against its registered key`)
  }
}
export class NonceReplayed extends Error {
  readonly code = 'PACT_NONCE_REPLAYED'
  constructor(readonly nonce: string) {
    super(`nonce ${nonce} was already used by this proposer`)
  }
}
export class HashMismatch extends Error {
  readonly code = 'PACT_HASH_MISMATCH'
  constructor(readonly expected: string) {
    super(`pactHash is not the SHA-256 of the terms' RFC 8785 JSON (${expected})`)
  }
}
/** No such pact, or one the caller's org is no party of. */
export class PactNotFound extends Error {
  readonly code = 'NOT_FOUND'
}
export class NotYourTurn extends Error {
  readonly code = 'PACT_NOT_YOUR_TURN'
}
export class StaleHash extends Error {
  readonly code = 'PACT_HASH_STALE'
  constructor(readonly current: string) {
    super(`the pact's current round has hash ${current}`)
  }
}
export class PactNotProposed extends Error {
  readonly code = 'PACT_NOT_PROPOSED'
  constructor(readonly status: string) {
    super(`the pact is ${status}; only a proposed pact is negotiated`)
  }
}
export class PactNotActive extends Error {
  readonly code = 'PACT_NOT_ACTIVE'
  constructor(readonly status: string) {
    super(`the pact is ${status}, not active`)
  }
}
export class SellerOnly extends Error {
  readonly code = 'PACT_SELLER_ONLY'
}
