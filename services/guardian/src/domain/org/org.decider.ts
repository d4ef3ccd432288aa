import type { Decider } from '@tessera/contracts'
import {
  type ApiKeyRole,
  type OrgEvent,
  type OrgState,
  activeAdminCount,
  evolve,
  initialState,
  parseOrgEvent,
} from './org.state.ts'

/** A key as the shell minted it: ids and secrets are impure. `userId` is the ULID it acts for. */
export interface MintedKey {
  keyId: string
  keyHash: string
  prefix: string
  userId: string
}

export type OrgCommand =
  | {
      type: 'CreateOrg'
      orgId: string
      name: string
      /** The first admin key. */
      adminKey: MintedKey
      now: Date
    }
  | {
      type: 'IssueApiKey'
      orgId: string
      /** The key asking: it must be one of the org's active admin keys. */
      by: string
      key: MintedKey
      role: ApiKeyRole
      name?: string | undefined
      now: Date
    }
  | { type: 'RevokeApiKey'; orgId: string; by: string; keyId: string; now: Date }

export class OrgAlreadyExists extends Error {
  readonly code = 'ORG_EXISTS'
}
export class OrgNotFound extends Error {
  readonly code = 'NOT_FOUND'
}
/** Only an org's active admin keys manage its keys. */
export class NotAnAdminKey extends Error {
  readonly code = 'AUTH_DENIED'
}
/** Not one of this org's keys: another org's key is as unknown as a made-up one. */
export class ApiKeyNotFound extends Error {
  readonly code = 'NOT_FOUND'
}
export class ApiKeyAlreadyRevoked extends Error {
  readonly code = 'KEY_REVOKED'
}
/** Revoking it would leave the org with no admin key, and so no way to manage its keys. */
export class LastAdminKey extends Error {
  readonly code = 'LAST_ADMIN_KEY'
}

export function decide(command: OrgCommand, state: OrgState): OrgEvent[] {
  switch (command.type) {
    case 'CreateOrg':
      return createOrg(command, state)
    case 'IssueApiKey':
      return issueApiKey(command, state)
    case 'RevokeApiKey':
      return revokeApiKey(command, state)
    default: {
      const _exhaustive: never = command
      return _exhaustive
    }
  }
}

function createOrg(c: Extract<OrgCommand, { type: 'CreateOrg' }>, state: OrgState): OrgEvent[] {
  if (state.exists) throw new OrgAlreadyExists(`org ${c.orgId} already exists`)
  const at = c.now.toISOString()
  return [
    { type: 'OrgCreated', data: { orgId: c.orgId, name: c.name, createdAt: at } },
    {
      type: 'ApiKeyIssued',
      data: { ...c.adminKey, orgId: c.orgId, role: 'admin', issuedAt: at },
    },
  ]
}

function issueApiKey(c: Extract<OrgCommand, { type: 'IssueApiKey' }>, state: OrgState): OrgEvent[] {
  requireAdmin(state, c.orgId, c.by)
  return [
    {
      type: 'ApiKeyIssued',
      data: {
        ...c.key,
        orgId: c.orgId,
        role: c.role,
        ...(c.name === undefined ? {} : { name: c.name }),
        issuedAt: c.now.toISOString(),
      },
    },
  ]
}

function revokeApiKey(
  c: Extract<OrgCommand, { type: 'RevokeApiKey' }>,
  state: OrgState,
): OrgEvent[] {
  requireAdmin(state, c.orgId, c.by)
  const key = state.keys.get(c.keyId)
  if (!key) throw new ApiKeyNotFound(`key ${c.keyId} not found`)
  if (!key.active) throw new ApiKeyAlreadyRevoked(`key ${c.keyId} is already revoked`)
  if (key.role === 'admin' && activeAdminCount(state) === 1) {
    throw new LastAdminKey(`key ${c.keyId} is the org's last active admin key`)
  }
  return [
    {
      type: 'ApiKeyRevoked',
      data: { keyId: c.keyId, orgId: c.orgId, revokedAt: c.now.toISOString() },
    },
  ]
}

function requireAdmin(state: OrgState, orgId: string, keyId: string) {
  if (!state.exists) throw new OrgNotFound(`org ${orgId} not found`)
  const by = state.keys.get(keyId)
  if (!by?.active || by.role !== 'admin') throw new NotAnAdminKey('only admin keys manage keys')
}

export const orgDecider: Decider<OrgCommand, OrgEvent, OrgState> = {
  decide,
  evolve,
  initialState,
  parse: parseOrgEvent,
}
export const orgStreamId = (orgId: string) => `org-${orgId}`
