import type { ApiKeyRole, OrgEvent } from '../org.state.ts'

/** A key as the API lists it: never the key, never its hash. */
export interface ApiKeyView {
  keyId: string
  prefix: string
  role: ApiKeyRole
  name: string | null
  /** The ULID of the user the key acts for; null for keys issued before keys had one. */
  userId: string | null
  status: 'active' | 'revoked'
  createdAt: string
  revokedAt: string | null
}

/** An org's keys by id, in the order they were issued. */
export type ApiKeysView = ReadonlyMap<string, ApiKeyView>

export const initialState = (): ApiKeysView => new Map()

export function evolve(view: ApiKeysView, event: OrgEvent): ApiKeysView {
  switch (event.type) {
    case 'OrgCreated':
      return view
    case 'ApiKeyIssued': {
      const e = event.data
      return new Map(view).set(e.keyId, {
        keyId: e.keyId,
        prefix: e.prefix,
        role: e.role,
        name: e.name ?? null,
        userId: e.userId ?? null,
        status: 'active',
        createdAt: e.issuedAt,
        revokedAt: null,
      })
    }
    case 'ApiKeyRevoked': {
      const key = view.get(event.data.keyId)
      if (!key) return view
      return new Map(view).set(key.keyId, {
        ...key,
        status: 'revoked',
        revokedAt: event.data.revokedAt,
      })
    }
  }
}

/** The org's keys, newest first. */
export function newestFirst(view: ApiKeysView): ApiKeyView[] {
  return [...view.values()].reverse()
}

export const apiKeysView = { initialState, evolve }
