import { describe, it } from 'vitest'
import { spec } from '@tessera/testing'
import {
  ApiKeyNotActive,
  OrgAlreadyExists,
  OrgNotFound,
  orgDecider,
  type OrgCommand,
} from './org.decider.ts'
import type { OrgEvent } from './org.state.ts'

const now = new Date('2026-11-21T10:00:00.000Z')
const orgId = 'org_0123456789abcdefghjkmnpqrs'
const adminKey = {
  keyId: 'key_0123456789abcdefghjkmnpqrs',
  keyHash: 'a'.repeat(64),
  prefix: 'tsk_live_abc',
  userId: '01JDQ6Y3ZK8V5N2M4P7R9T0W1X',
}
const create: OrgCommand = { type: 'CreateOrg', orgId, name: 'Acme', adminKey, now }
const created: OrgEvent[] = [
  { type: 'OrgCreated', data: { orgId, name: 'Acme', createdAt: now.toISOString() } },
  {
    type: 'ApiKeyIssued',
    data: { ...adminKey, orgId, role: 'admin', issuedAt: now.toISOString() },
  },
]
const revoke: OrgCommand = { type: 'RevokeApiKey', orgId, keyId: adminKey.keyId, now }

describe('org decider', () => {
  it('creates an org with its first admin key', () => {
    spec(orgDecider).given([]).when(create).then(created)
  })
  it('refuses to create an org twice', () => {
    spec(orgDecider).given(created).when(create).thenThrows(OrgAlreadyExists)
  })
  it('revokes an active key', () => {
    spec(orgDecider)
      .given(created)
      .when(revoke)
      .then([
        {
          type: 'ApiKeyRevoked',
          data: { keyId: adminKey.keyId, orgId, revokedAt: now.toISOString() },
        },
      ])
  })
  it('refuses to revoke a key twice, or in an org that does not exist', () => {
    const revoked = orgDecider.decide(
      revoke,
      created.reduce(orgDecider.evolve, orgDecider.initialState()),
    )
    spec(orgDecider)
      .given([...created, ...revoked])
      .when(revoke)
      .thenThrows(ApiKeyNotActive)
    spec(orgDecider).given([]).when(revoke).thenThrows(OrgNotFound)
  })
})
