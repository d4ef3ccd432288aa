import { describe, it } from 'vitest'
import { spec } from '@tessera/testing'
import {
  ApiKeyAlreadyRevoked,
  ApiKeyNotFound,
  LastAdminKey,
  NotAnAdminKey,
  OrgAlreadyExists,
  OrgNotFound,
  orgDecider,
  type MintedKey,
  type OrgCommand,
} from './org.decider.ts'
import type { ApiKeyRole, OrgEvent } from './org.state.ts'

const now = new Date('2026-11-21T10:00:00.000Z')
const at = now.toISOString()
const orgId = 'org_0123456789abcdefghjkmnpqrs'
const minted = (n: number): MintedKey => ({
  keyId: `key_${String(n).padStart(26, '0')}`,
  keyHash: String(n % 10).repeat(64),
  prefix: `tsk_live_ab${n}`,
  userId: `01JDQ6Y3ZK8V5N2M4P7R9T0W${String(n).padStart(2, '0')}`,
})
const adminKey = minted(1)
const create: OrgCommand = { type: 'CreateOrg', orgId, name: 'Acme', adminKey, now }
const created: OrgEvent[] = [
  { type: 'OrgCreated', data: { orgId, name: 'Acme', createdAt: at } },
  { type: 'ApiKeyIssued', data: { ...adminKey, orgId, role: 'admin', issuedAt: at } },
]
const issued = (key: MintedKey, role: ApiKeyRole): OrgEvent => ({
  type: 'ApiKeyIssued',
  data: { ...key, orgId, role, issuedAt: at },
})
const revoked = (keyId: string): OrgEvent => ({
  type: 'ApiKeyRevoked',
  data: { keyId, orgId, revokedAt: at },
})
const issue = (by: string, key: MintedKey, role: ApiKeyRole, name?: string) =>
  ({ type: 'IssueApiKey', orgId, by, key, role, name, now }) satisfies OrgCommand
const revoke = (by: string, keyId: string) =>
  ({ type: 'RevokeApiKey', orgId, by, keyId, now }) satisfies OrgCommand

const member = minted(2)
const secondAdmin = minted(3)
const approver = minted(5)

describe('org decider: creating', () => {
  it('creates an org with its first admin key', () => {
    spec(orgDecider).given([]).when(create).then(created)
  })
  it('refuses to create an org twice', () => {
    spec(orgDecider).given(created).when(create).thenThrows(OrgAlreadyExists)
  })
})

describe('org decider: issuing keys', () => {
  it('issues a named member key when an admin key asks', () => {
    spec(orgDecider)
      .given(created)
      .when(issue(adminKey.keyId, member, 'member', 'ci'))
      .then([
        {
          type: 'ApiKeyIssued',
          data: { ...member, orgId, role: 'member', name: 'ci', issuedAt: at },
        },
      ])
  })
  it('issues an admin key, with no name when none is given', () => {
    spec(orgDecider)
      .given(created)
      .when(issue(adminKey.keyId, secondAdmin, 'admin'))
      .then([issued(secondAdmin, 'admin')])
  })
  it('refuses a member key, a revoked admin key, and a key of no org', () => {
    const given = [...created, issued(member, 'member'), issued(secondAdmin, 'admin')]
    spec(orgDecider)
      .given(given)
      .when(issue(member.keyId, minted(4), 'member'))
      .thenThrows(NotAnAdminKey)
    spec(orgDecider)
      .given([...given, revoked(secondAdmin.keyId)])
      .when(issue(secondAdmin.keyId, minted(4), 'member'))
      .thenThrows(NotAnAdminKey)
    spec(orgDecider)
      .given(created)
      .when(issue(minted(9).keyId, minted(4), 'member'))
      .thenThrows(NotAnAdminKey)
  })
  it('issues an approver key, for a human who decides elevations; an approver key issues none', () => {
    spec(orgDecider)
      .given(created)
      .when(issue(adminKey.keyId, approver, 'approver', 'alice'))
      .then([
        {
          type: 'ApiKeyIssued',
          data: { ...approver, orgId, role: 'approver', name: 'alice', issuedAt: at },
        },
      ])
    spec(orgDecider)
      .given([...created, issued(approver, 'approver')])
      .when(issue(approver.keyId, minted(4), 'approver'))
      .thenThrows(NotAnAdminKey)
  })
  it('refuses in an org that does not exist', () => {
    spec(orgDecider)
      .given([])
      .when(issue(adminKey.keyId, member, 'member'))
      .thenThrows(OrgNotFound)
  })
})

describe('org decider: revoking keys', () => {
  const withMember = [...created, issued(member, 'member')]

  it('revokes an active member key', () => {
    spec(orgDecider)
      .given(withMember)
      .when(revoke(adminKey.keyId, member.keyId))
      .then([revoked(member.keyId)])
  })
  it('lets an admin key revoke itself while another admin key is active', () => {
    spec(orgDecider)
      .given([...created, issued(secondAdmin, 'admin')])
      .when(revoke(adminKey.keyId, adminKey.keyId))
      .then([revoked(adminKey.keyId)])
  })
  it("refuses to revoke the org's last active admin key", () => {
    spec(orgDecider)
      .given(withMember)
      .when(revoke(adminKey.keyId, adminKey.keyId))
      .thenThrows(LastAdminKey)
    // a revoked admin key does not count
    spec(orgDecider)
      .given([...created, issued(secondAdmin, 'admin'), revoked(secondAdmin.keyId)])
      .when(revoke(adminKey.keyId, adminKey.keyId))
      .thenThrows(LastAdminKey)
  })
  it('refuses a member key and an approver key', () => {
    spec(orgDecider)
      .given(withMember)
      .when(revoke(member.keyId, member.keyId))
      .thenThrows(NotAnAdminKey)
    spec(orgDecider)
      .given([...withMember, issued(approver, 'approver')])
      .when(revoke(approver.keyId, member.keyId))
      .thenThrows(NotAnAdminKey)
  })
  it('counts only admin keys towards the last admin key, not approver keys', () => {
    spec(orgDecider)
      .given([...created, issued(approver, 'approver')])
      .when(revoke(adminKey.keyId, adminKey.keyId))
      .thenThrows(LastAdminKey)
  })
  it('tells an unknown key from one already revoked', () => {
    spec(orgDecider)
      .given(withMember)
      .when(revoke(adminKey.keyId, minted(9).keyId))
      .thenThrows(ApiKeyNotFound)
    spec(orgDecider)
      .given([...withMember, revoked(member.keyId)])
      .when(revoke(adminKey.keyId, member.keyId))
      .thenThrows(ApiKeyAlreadyRevoked)
  })
  it('refuses in an org that does not exist', () => {
    spec(orgDecider).given([]).when(revoke(adminKey.keyId, adminKey.keyId)).thenThrows(OrgNotFound)
  })
})
