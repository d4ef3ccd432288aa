import { describe, it } from 'vitest'
import { spec } from '@tessera/testing'
import {
  DelegationAlreadyRevoked,
  DelegationExpired,
  DelegationNotFound,
} from '../delegation/delegation.decider.ts'
import type { Delegation } from '../delegation/delegation.state.ts'
import {
  SessionAgentNotFound,
  SessionAgentRevoked,
  type SessionCommand,
  sessionDecider,
} from './session.decider.ts'

const orgId = 'org_0123456789abcdefghjkmnpqrs'
const alice = 'agt_aaaaaaaaaaaaaaaaaaaaaaaaaa'
const bob = 'agt_bbbbbbbbbbbbbbbbbbbbbbbbbb'
const delegationId = 'dlg_0123456789abcdefghjkmnpqrs'
const sessionId = 'ses_0123456789abcdefghjkmnpqrs'
const now = new Date('2026-11-22T10:00:00.000Z')
const delegation: Delegation = {
  status: 'active',
  delegationId,
  orgId,
  fromAgentId: alice,
  toAgentId: bob,
  scope: ['web:search'],
  rootDelegationId: delegationId,
  depth: 1,
  expiresAt: '2026-11-22T11:00:00.000Z',
}
// bob holds nothing of his own: the delegation is his whole authority in the session
const bobHolder = { agentId: bob, orgId, status: 'active' as const, capabilities: [] }
const start = (
  over: Partial<Extract<SessionCommand, { type: 'StartDelegatedSession' }>> = {},
): SessionCommand => ({
  type: 'StartDelegatedSession',
  sessionId,
  delegationId,
  delegation,
  agent: bobHolder,
  orgId,
  serverId: 'mcp-web',
  mode: 'restricted',
  now,
  ...over,
})

describe('session decider: a session under a delegation', () => {
  it("is the delegate's, its ceiling the delegated scope, ending with the delegation", () => {
    spec(sessionDecider)
      .given([])
      .when(start())
      .then([
        {
          type: 'SessionStarted',
          data: {
            sessionId,
            agentId: bob,
            orgId,
            serverId: 'mcp-web',
            mode: 'restricted',
            scopeCeiling: ['web:search'],
            startedAt: now.toISOString(),
            delegationId,
            expiresAt: '2026-11-22T11:00:00.000Z',
          },
        },
      ])
  })

  it('needs a live delegation of the org', () => {
    const when = (over: Parameters<typeof start>[0]) =>
      spec(sessionDecider).given([]).when(start(over))
    when({ delegation: null }).thenThrows(DelegationNotFound)
    when({ delegation: { ...delegation, orgId: 'org_zzzzzzzzzzzzzzzzzzzzzzzzzz' } }).thenThrows(
      DelegationNotFound,
    )
    when({ delegation: { ...delegation, status: 'revoked' } }).thenThrows(DelegationAlreadyRevoked)
    when({ delegation: { ...delegation, expiresAt: now.toISOString() } }).thenThrows(
      DelegationExpired,
    )
    when({ agent: null }).thenThrows(SessionAgentNotFound)
    when({ agent: { ...bobHolder, agentId: alice } }).thenThrows(SessionAgentNotFound)
    when({ agent: { ...bobHolder, status: 'revoked' } }).thenThrows(SessionAgentRevoked)
  })
})
