import { CapabilityTokenIssued, CapabilityTokenRevoked, eventParser } from '@tessera/contracts'

export type TokenEvent =
  | { type: 'CapabilityTokenIssued'; data: CapabilityTokenIssued }
  | { type: 'CapabilityTokenRevoked'; data: CapabilityTokenRevoked }

/** One token, folded from stream `token-<tokenId>`. */
export type TokenState =
  | { status: 'none' }
  | { status: 'issued' | 'revoked'; tokenId: string; agentId: string; orgId: string }

export const initialState = (): TokenState => ({ status: 'none' })

export function evolve(state: TokenState, event: TokenEvent): TokenState {
  switch (event.type) {
    case 'CapabilityTokenIssued':
      return {
        status: 'issued',
        tokenId: event.data.tokenId,
        agentId: event.data.agentId,
        orgId: event.data.orgId,
      }
    case 'CapabilityTokenRevoked':
      return state.status === 'none' ? state : { ...state, status: 'revoked' }
  }
}

export const parseTokenEvent = eventParser('a token', {
  CapabilityTokenIssued,
  CapabilityTokenRevoked,
})
