import type { ApiKeyIssued, ApiKeyRevoked, OrgCreated } from '@tessera/contracts'

export type OrgEvent =
  | { type: 'OrgCreated'; data: OrgCreated }
  | { type: 'ApiKeyIssued'; data: ApiKeyIssued }
  | { type: 'ApiKeyRevoked'; data: ApiKeyRevoked }

export interface OrgState {
  exists: boolean
  activeKeys: Set<string>
}

export const initialState = (): OrgState => ({
  exists: false,
  activeKeys: new Set(),
})

export function evolve(state: OrgState, event: OrgEvent): OrgState {
  switch (event.type) {
    case 'OrgCreated':
      return { ...state, exists: true }
    case 'ApiKeyIssued':
      return { ...state, activeKeys: new Set([...state.activeKeys, event.data.keyId]) }
    case 'ApiKeyRevoked': {
      const activeKeys = new Set(state.activeKeys)
      activeKeys.delete(event.data.keyId)
      return { ...state, activeKeys }
    }
  }
}
