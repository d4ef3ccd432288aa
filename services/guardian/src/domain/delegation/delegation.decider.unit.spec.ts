import { describe, expect, it } from 'vitest'
import type { DelegationCreated } from '@tessera/contracts'
import { spec } from '@tessera/testing'
import {
  DelegationAgentNotFound,
  DelegationAgentRevoked,
  DelegationAlreadyRevoked,
  type DelegationCommand,
  DelegationDepthExceeded,
  DelegationExpired,
  DelegationNotFound,
  InvalidDelegation,
  MAX_DELEGATION_DEPTH,
  ScopeNotDelegable,
  delegationDecider,
  derivedFrom,
} from './delegation.decider.ts'
import type { Delegation, DelegationEvent } from './delegation.state.ts'

const orgId = 'org_0123456789abcdefghjkmnpqrs'
const otherOrg = 'org_zzzzzzzzzzzzzzzzzzzzzzzzzz'
const agentId = (c: string) => `agt_${c.repeat(26)}`
const dlg = (c: string) => `dlg_${c.repeat(26)}`
const [alice, bob, carol] = [agentId('a'), agentId('b'), agentId('c')]
const now = new Date('2026-11-22T10:00:00.000Z')
const holder = (id: string, capabilities = ['files:read', 'web:*']) => ({
  agentId: id,
  orgId,
  status: 'active' as const,
  capabilities,
})

type Create = Extract<DelegationCommand, { type: 'CreateDelegation' }>
const create = (over: Partial<Create> = {}): DelegationCommand => ({
  type: 'CreateDelegation',
  delegationId: dlg('1'),
  orgId,
  fromAgentId: alice,
  toAgentId: bob,
  from: holder(alice),
  to: holder(bob, []),
  scope: ['web:search', 'files:read', 'web:search'],
  ttlSeconds: 3600,
  now,
  ...over,
})
const created = (over: Partial<DelegationCreated> = {}): DelegationEvent => ({
  type: 'DelegationCreated',
  data: {
    delegationId: dlg('1'),
    orgId,
    fromAgentId: alice,
    toAgentId: bob,
    scope: ['web:search', 'files:read'],
    rootDelegationId: dlg('1'),
    depth: 1,
    createdAt: now.toISOString(),
    expiresAt: '2026-11-22T11:00:00.000Z',
    ...over,
  },
})
/** A live parent held by `toAgentId`, as the shell would fold it. */
const parent = (over: Partial<Delegation> = {}) => ({
  delegationId: dlg('p'),
  state: {
    status: 'active' as const,
    delegationId: dlg('p'),
    orgId,
    fromAgentId: carol,
    toAgentId: alice,
    scope: ['web:*'],
    rootDelegationId: dlg('r'),
    depth: 1,
    expiresAt: '2026-11-22T10:30:00.000Z',
    ...over,
  },
})

describe('delegation decider: create', () => {
  it("delegates a root within the delegator's capabilities, deduplicated, at depth 1", () => {
    spec(delegationDecider).given([]).when(create()).then([created()])
  })

  it("narrows a re-delegation to the parent's scope, one level deeper, expiring with it", () => {
    spec(delegationDecider)
      .given([])
      .when(create({ parent: parent(), scope: ['web:search'] }))
      .then([
        created({
          scope: ['web:search'],
          parentDelegationId: dlg('p'),
          rootDelegationId: dlg('r'),
          depth: 2,
          // asked for an hour, capped at the parent's half hour
          expiresAt: '2026-11-22T10:30:00.000Z',
        }),
      ])
  })

  it("refuses scope the delegator does not hold: beyond its capabilities, or its parent's scope", () => {
    spec(delegationDecider)
      .given([])
      .when(create({ scope: ['files:write'] }))
      .thenThrows(ScopeNotDelegable)
    // alice's own files:read does not count when she re-delegates under a web-only parent
    spec(delegationDecider)
      .given([])
      .when(create({ parent: parent(), scope: ['files:read'] }))
      .thenThrows(ScopeNotDelegable)
    // a wildcard is wider than the action it covers
    spec(delegationDecider)
      .given([])
      .when(create({ parent: parent({ scope: ['web:search'] }), scope: ['web:*'] }))
      .thenThrows(ScopeNotDelegable)
    expect(() =>
      delegationDecider.decide(create({ scope: ['files:write', 'web:search', 'db:read'] }), {
        status: 'none',
      }),
    ).toThrow(expect.objectContaining({ scopes: ['files:write', 'db:read'] }))
  })

  it(`stops chains deeper than ${MAX_DELEGATION_DEPTH}`, () => {
    spec(delegationDecider)
      .given([])
      .when(create({ parent: parent({ depth: MAX_DELEGATION_DEPTH - 1 }), scope: ['web:search'] }))
      .then([
        created({
          scope: ['web:search'],
          parentDelegationId: dlg('p'),
          rootDelegationId: dlg('r'),
          depth: MAX_DELEGATION_DEPTH,
          expiresAt: '2026-11-22T10:30:00.000Z',
        }),
      ])
    spec(delegationDecider)
      .given([])
      .when(create({ parent: parent({ depth: MAX_DELEGATION_DEPTH }), scope: ['web:search'] }))
      .thenThrows(DelegationDepthExceeded)
  })

  it('re-delegates only from a live parent of the org that was delegated to the delegator', () => {
    const when = (p: NonNullable<Create['parent']>) =>
      spec(delegationDecider)
        .given([])
        .when(create({ parent: p, scope: ['web:search'] }))
    when({ delegationId: dlg('p'), state: { status: 'none' } }).thenThrows(DelegationNotFound)
    when(parent({ orgId: otherOrg })).thenThrows(DelegationNotFound)
    when(parent({ status: 'revoked' })).thenThrows(DelegationAlreadyRevoked)
    when(parent({ expiresAt: now.toISOString() })).thenThrows(DelegationExpired)
    when(parent({ toAgentId: carol })).thenThrows(InvalidDelegation)
  })

  it('needs both agents live in the caller org, distinct, and a TTL of 1 s to a day', () => {
    const when = (over: Partial<Create>) => spec(delegationDecider).given([]).when(create(over))
    when({ from: null }).thenThrows(DelegationAgentNotFound)
    when({ to: { ...holder(bob), orgId: otherOrg } }).thenThrows(DelegationAgentNotFound)
    when({ to: { ...holder(bob), status: 'revoked' } }).thenThrows(DelegationAgentRevoked)
    when({ toAgentId: alice, to: holder(alice) }).thenThrows(InvalidDelegation)
    when({ ttlSeconds: 0 }).thenThrows(InvalidDelegation)
    when({ ttlSeconds: 86_401 }).thenThrows(InvalidDelegation)
    when({ scope: [] }).thenThrows(InvalidDelegation)
    when({ ttlSeconds: 86_400 }).then([created({ expiresAt: '2026-11-23T10:00:00.000Z' })])
  })
})

describe('delegation decider: revoke', () => {
  const child = (id: string, parentId: string, depth: number, over: Partial<Delegation> = {}) => ({
    status: 'active' as const,
    delegationId: dlg(id),
    orgId,
    fromAgentId: bob,
    toAgentId: carol,
    scope: ['web:search'],
    parentDelegationId: parentId,
    rootDelegationId: dlg('1'),
    depth,
    expiresAt: '2026-11-22T11:00:00.000Z',
    ...over,
  })
  const revoke = (over: Partial<Extract<DelegationCommand, { type: 'RevokeDelegation' }>> = {}) =>
    ({
      type: 'RevokeDelegation',
      delegationId: dlg('1'),
      orgId,
      reason: 'revoked',
      descendants: [],
      now,
      ...over,
    }) satisfies DelegationCommand
  const revoked = (id: string, more: object = {}): DelegationEvent => ({
    type: 'DelegationRevoked',
    data: { delegationId: id, orgId, reason: 'revoked', revokedAt: now.toISOString(), ...more },
  })
  const cascaded = (id: string) => revoked(id, { reason: 'parent_revoked', cascadedFrom: dlg('1') })

  it('revokes the delegation and, in order, every live delegation derived from it', () => {
    const descendants = [
      child('4', dlg('3'), 3), // grandchild, listed before its parent
      child('3', dlg('1'), 2),
      child('5', dlg('1'), 2, { status: 'revoked' }), // already revoked: nothing more to say
      child('6', dlg('5'), 3), // below a revoked one, yet still derived from this one
      child('7', dlg('x'), 2), // not below this one: left alone
    ]
    spec(delegationDecider)
      .given([created()])
      .when(revoke({ descendants, note: 'task done' }))
      .then([
        revoked(dlg('1'), { note: 'task done' }),
        cascaded(dlg('3')),
        cascaded(dlg('4')),
        cascaded(dlg('6')),
      ])
  })

  it('records an agent revocation as its reason', () => {
    spec(delegationDecider)
      .given([created()])
      .when(revoke({ reason: 'agent_revoked', descendants: [child('3', dlg('1'), 2)] }))
      .then([revoked(dlg('1'), { reason: 'agent_revoked' }), cascaded(dlg('3'))])
  })

  it("refuses twice, an unknown delegation and another org's", () => {
    spec(delegationDecider)
      .given([created(), revoked(dlg('1'))])
      .when(revoke())
      .thenThrows(DelegationAlreadyRevoked)
    spec(delegationDecider).given([]).when(revoke()).thenThrows(DelegationNotFound)
    spec(delegationDecider)
      .given([created()])
      .when(revoke({ orgId: otherOrg }))
      .thenThrows(DelegationNotFound)
  })

  it('finds the subtree by parent links alone', () => {
    const tree = [child('2', dlg('1'), 2), child('3', dlg('2'), 3), child('9', dlg('8'), 3)]
    expect(derivedFrom(dlg('2'), tree).map((d) => d.delegationId)).toEqual([dlg('3')])
    expect(derivedFrom(dlg('1'), tree).map((d) => d.delegationId)).toEqual([dlg('2'), dlg('3')])
  })
})
