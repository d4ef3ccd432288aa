import { describe, it } from 'vitest'
import { spec } from '@tessera/testing'
import {
  CeilingAboveCapabilities,
  SessionAgentNotFound,
  SessionAgentRevoked,
  type SessionCommand,
  SessionNotFound,
  sessionDecider,
} from './session.decider.ts'
import type { SessionEvent } from './session.state.ts'

const orgId = 'org_0123456789abcdefghjkmnpqrs'
const agentId = 'agt_0123456789abcdefghjkmnpqrs'
const sessionId = 'ses_0123456789abcdefghjkmnpqrs'
const now = new Date('2026-11-21T10:00:00.000Z')
const agent = { agentId, orgId, status: 'active' as const, capabilities: ['files:read', 'web:*'] }
const start = (
  over: Partial<Extract<SessionCommand, { type: 'StartSession' }>> = {},
): SessionCommand => ({
  type: 'StartSession',
  sessionId,
  agent,
  orgId,
  serverId: 'mcp-code-tools',
  mode: 'open',
  now,
  ...over,
})
const started = (
  scopeCeiling: string[],
  mode: 'open' | 'restricted' | 'supervised' = 'open',
): SessionEvent => ({
  type: 'SessionStarted',
  data: {
    sessionId,
    agentId,
    orgId,
    serverId: 'mcp-code-tools',
    mode,
    scopeCeiling,
    startedAt: now.toISOString(),
  },
})

describe('session decider', () => {
  it("starts under the agent's capabilities when no ceiling is given", () => {
    spec(sessionDecider)
      .given([])
      .when(start())
      .then([started(['files:read', 'web:*'])])
  })
  it('narrows to a ceiling within the capabilities', () => {
    spec(sessionDecider)
      .given([])
      .when(start({ mode: 'restricted', scopeCeiling: ['web:search'] }))
      .then([started(['web:search'], 'restricted')])
  })
  it('refuses a ceiling above the capabilities, a revoked agent and a stranger', () => {
    spec(sessionDecider)
      .given([])
      .when(start({ scopeCeiling: ['files:write'] }))
      .thenThrows(CeilingAboveCapabilities)
    spec(sessionDecider)
      .given([])
      .when(start({ agent: { ...agent, status: 'revoked' } }))
      .thenThrows(SessionAgentRevoked)
    spec(sessionDecider)
      .given([])
      .when(start({ agent: null }))
      .thenThrows(SessionAgentNotFound)
    spec(sessionDecider)
      .given([])
      .when(start({ orgId: 'org_zzzzzzzzzzzzzzzzzzzzzzzzzz' }))
      .thenThrows(SessionAgentNotFound)
  })
  it('closes once; closing again records nothing', () => {
    const close: SessionCommand = {
      type: 'CloseSession',
      sessionId,
      orgId,
      reason: 'agent_revoked',
      now,
    }
    const closed: SessionEvent = {
      type: 'SessionClosed',
      data: { sessionId, agentId, orgId, reason: 'agent_revoked', closedAt: now.toISOString() },
    }
    spec(sessionDecider)
      .given([started(['files:read'])])
      .when(close)
      .then([closed])
    spec(sessionDecider)
      .given([started(['files:read']), closed])
      .when(close)
      .then([])
    spec(sessionDecider).given([]).when(close).thenThrows(SessionNotFound)
  })
})
