import { ApiKeyIssued, ApiKeyRevoked, OrgCreated, eventParser } from '@tessera/contracts'

export type OrgEvent =
  | { type: 'OrgCreated'; data: OrgCreated }
  | { type: 'ApiKeyIssued'; data: ApiKeyIssued }
  | { type: 'ApiKeyRevoked'; data: ApiKeyRevoked }

export type ApiKeyRole = ApiKeyIssued['role']

/** What deciding needs about one key: revoked keys stay, so a second revoke is not a 404. */
export interface OrgKey {
  role: ApiKeyRole
  active: boolean
}

export interface OrgState {
  exists: boolean
  keys: ReadonlyMap<string, OrgKey>
}

export const initialState = (): OrgState => ({
  exists: false,
  keys: new Map(),
})

export function evolve(state: OrgState, event: OrgEvent): OrgState {
  switch (event.type) {
    case 'OrgCreated':
      return { ...state, exists: true }
    case 'ApiKeyIssued': {
      const keys = new Map(state.keys)
      keys.set(event.data.keyId, { role: event.data.role, active: true })
      return { ...state, keys }
    }
    case 'ApiKeyRevoked': {
      const key = state.keys.get(event.data.keyId)
      if (!key) return state
      const keys = new Map(state.keys)
      keys.set(event.data.keyId, { ...key, active: false })
      return { ...state, keys }
    }
  }
}

/** How many of the org's keys are active admin keys: never zero once the org exists. */
export function activeAdminCount(state: OrgState): number {
  let n = 0
  for (const k of state.keys.values()) if (k.active && k.role === 'admin') n++
  return n
}

/** Reads an org event back from the log, validated against its contract. */
export const parseOrgEvent = eventParser('an org', { OrgCreated, ApiKeyIssued, ApiKeyRevoked })
