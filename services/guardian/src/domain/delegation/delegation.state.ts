import { DelegationCreated, DelegationRevoked, eventParser } from '@tessera/contracts'

export type DelegationEvent =
  | { type: 'DelegationCreated'; data: DelegationCreated }
  | { type: 'DelegationRevoked'; data: DelegationRevoked }

/** One delegation as deciding needs it: who handed what to whom, where in its chain, until when. */
export interface Delegation {
  status: 'active' | 'revoked'
  delegationId: string
  orgId: string
  fromAgentId: string
  toAgentId: string
  scope: readonly string[]
  parentDelegationId?: string | undefined
  rootDelegationId: string
  depth: number
  expiresAt: string
}

/** One delegation, folded from stream `delegation-<delegationId>`. */
export type DelegationState = { status: 'none' } | Delegation

export const initialState = (): DelegationState => ({ status: 'none' })

export function evolve(state: DelegationState, event: DelegationEvent): DelegationState {
  switch (event.type) {
    case 'DelegationCreated': {
      const d = event.data
      return {
        status: 'active',
        delegationId: d.delegationId,
        orgId: d.orgId,
        fromAgentId: d.fromAgentId,
        toAgentId: d.toAgentId,
        scope: d.scope,
        parentDelegationId: d.parentDelegationId,
        rootDelegationId: d.rootDelegationId,
        depth: d.depth,
        expiresAt: d.expiresAt,
      }
    }
    case 'DelegationRevoked':
      return state.status === 'none' ? state : { ...state, status: 'revoked' }
  }
}

export const parseDelegationEvent = eventParser('a delegation', {
  DelegationCreated,
  DelegationRevoked,
})
