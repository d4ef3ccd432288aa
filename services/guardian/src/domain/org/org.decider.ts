import { type OrgEvent, type OrgState, evolve, initialState } from './org.state.ts'

export type OrgCommand =
  | {
      type: 'CreateOrg'
      orgId: string
      name: string
      /**
       * The first admin key, minted by the shell: ids and secrets are impure. `userId` is the
       * ULID of the user the key acts for.
       */
      adminKey: { keyId: string; keyHash: string; prefix: string; userId: string }
      now: Date
    }
  | { type: 'RevokeApiKey'; orgId: string; keyId: string; now: Date }

export class OrgAlreadyExists extends Error {
  readonly code = 'ORG_EXISTS'
}
export class OrgNotFound extends Error {
  readonly code = 'NOT_FOUND'
}
export class ApiKeyNotActive extends Error {
  readonly code = 'NOT_FOUND'
}

export function decide(command: OrgCommand, state: OrgState): OrgEvent[] {
  switch (command.type) {
    case 'CreateOrg':
      return createOrg(command, state)
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

function revokeApiKey(
  c: Extract<OrgCommand, { type: 'RevokeApiKey' }>,
  state: OrgState,
): OrgEvent[] {
  if (!state.exists) throw new OrgNotFound(`org ${c.orgId} not found`)
  if (!state.activeKeys.has(c.keyId)) throw new ApiKeyNotActive(`key ${c.keyId} is not active`)
  return [
    {
      type: 'ApiKeyRevoked',
      data: { keyId: c.keyId, orgId: c.orgId, revokedAt: c.now.toISOString() },
    },
  ]
}

export const orgDecider = { decide, evolve, initialState }
export const orgStreamId = (orgId: string) => `org-${orgId}`
