import {
  ExecutionFailureReported,
  PactAccepted,
  PactCountered,
  PactExpired,
  type PactParty,
  PactProposed,
  PactRegistered,
  PactRejected,
  ParamBindingViolated,
  type PactStatus,
  type PactTerms,
  eventParser,
} from '@tessera/contracts'

export type PactEvent =
  | { type: 'PactProposed'; data: PactProposed }
  | { type: 'PactCountered'; data: PactCountered }
  | { type: 'PactAccepted'; data: PactAccepted }
  | { type: 'PactRegistered'; data: PactRegistered }
  | { type: 'PactRejected'; data: PactRejected }
  | { type: 'PactExpired'; data: PactExpired }
  | { type: 'ExecutionFailureReported'; data: ExecutionFailureReported }
  /** Appended by the telemetry check, not by a command: a fact about a call, no transition. */
  | { type: 'ParamBindingViolated'; data: ParamBindingViolated }

/** One pact, folded from stream `pact-<pactId>`. */
export type PactState =
  | { status: 'none' }
  | {
      status: PactStatus
      pactId: string
      buyer: PactParty
      seller: PactParty
      round: number
      pactHash: string
      terms: PactTerms
      /** The agent that signed the current round (the one not awaited). */
      signedBy: string
      signature: string
      /** Whose turn it is while `proposed`. */
      awaiting: string | null
      expiresAt: string | null
    }

export const initialState = (): PactState => ({ status: 'none' })

export function evolve(state: PactState, event: PactEvent): PactState {
  switch (event.type) {
    case 'PactProposed': {
      const d = event.data
      return {
        status: 'proposed',
        pactId: d.pactId,
        buyer: d.buyer,
        seller: d.seller,
        round: 1,
        pactHash: d.pactHash,
        terms: d.terms,
        signedBy: d.buyer.agentId,
        signature: d.signature,
        awaiting: d.seller.agentId,
        expiresAt: d.expiresAt,
      }
    }
    case 'PactRegistered': {
      const d = event.data
      return {
        status: 'active',
        pactId: d.pactId,
        buyer: d.buyer,
        seller: d.seller,
        round: 1,
        pactHash: d.pactHash,
        terms: d.terms,
        signedBy: d.buyer.agentId,
        signature: d.buyerSignature,
        awaiting: null,
        expiresAt: null,
      }
    }
    case 'PactCountered': {
      if (state.status === 'none') return state
      const d = event.data
      const other = d.by === state.buyer.agentId ? state.seller : state.buyer
      return {
        ...state,
        round: d.round,
        pactHash: d.pactHash,
        terms: d.terms,
        signedBy: d.by,
        signature: d.signature,
        awaiting: other.agentId,
        expiresAt: d.expiresAt,
      }
    }
    case 'PactAccepted':
      return state.status === 'none'
        ? state
        : { ...state, status: 'active', awaiting: null, expiresAt: null }
    case 'PactRejected':
      return state.status === 'none'
        ? state
        : { ...state, status: 'rejected', awaiting: null, expiresAt: null }
    case 'PactExpired':
      return state.status === 'none'
        ? state
        : { ...state, status: 'expired', awaiting: null, expiresAt: null }
    case 'ExecutionFailureReported':
    case 'ParamBindingViolated':
      return state
  }
}

export const parsePactEvent = eventParser('a pact', {
  PactProposed,
  PactCountered,
  PactAccepted,
  PactRegistered,
  PactRejected,
  PactExpired,
  ExecutionFailureReported,
  ParamBindingViolated,
})
