import type { Decider, SessionMode } from '@tessera/contracts'
import { liveDelegation } from '../delegation/delegation.decider.ts'
import type { Delegation } from '../delegation/delegation.state.ts'
import { type TokenHolder, covers } from '../token/token.decider.ts'
import {
  type SessionEvent,
  type SessionState,
  evolve,
  initialState,
  parseSessionEvent,
} from './session.state.ts'

export type SessionCommand =
  | {
      type: 'StartSession'
      /** Minted by the shell. */
      sessionId: string
      agent: TokenHolder | null
      orgId: string
      serverId: string
      mode: SessionMode
      /** Omitted: the agent's capabilities. */
      scopeCeiling?: string[] | undefined
      now: Date
    }
  | {
      type: 'StartDelegatedSession'
      /** Minted by the shell. */
      sessionId: string
      delegationId: string
      /** The delegation as the shell read it; null when the org has none by that id. */
      delegation: Delegation | null
      /** The delegation's delegate, who the session is for. */
      agent: TokenHolder | null
      orgId: string
      serverId: string
      mode: SessionMode
      now: Date
    }
  | {
      type: 'CloseSession'
      sessionId: string
      orgId: string
      reason: 'agent_revoked' | 'ended' | 'delegation_revoked'
      now: Date
    }

export class SessionAgentNotFound extends Error {
  readonly code = 'NOT_FOUND'
}
export class SessionAgentRevoked extends Error {
  readonly code = 'AGENT_REVOKED'
}
export class CeilingAboveCapabilities extends Error {
  readonly code = 'SCOPE_NOT_GRANTED'
  constructor(readonly scopes: string[]) {
    super(`the scope ceiling exceeds the agent's capabilities: ${scopes.join(', ')}`)
  }
}
export class SessionNotFound extends Error {
  readonly code = 'NOT_FOUND'
}

export function decide(command: SessionCommand, state: SessionState): SessionEvent[] {
  switch (command.type) {
    case 'StartSession':
      return start(command)
    case 'StartDelegatedSession':
      return startDelegated(command)
    case 'CloseSession':
      return close(command, state)
    default: {
      const _exhaustive: never = command
      return _exhaustive
    }
  }
}

type Start = Extract<SessionCommand, { type: 'StartSession' }>
type StartDelegated = Extract<SessionCommand, { type: 'StartDelegatedSession' }>

function start(c: Start): SessionEvent[] {
  const agent = liveAgent(c.agent, c.orgId)
  const ceiling = [...new Set(c.scopeCeiling ?? agent.capabilities)]
  const beyond = ceiling.filter((s) => !covers(agent.capabilities, s))
  if (beyond.length) throw new CeilingAboveCapabilities(beyond)
  return started(c, agent.agentId, ceiling)
}

/** A session under a delegation: its ceiling is the delegated scope, its end the expiry. */
function startDelegated(c: StartDelegated): SessionEvent[] {
  const d = liveDelegation(c.delegation, c.delegationId, c.orgId, c.now)
  const agent = liveAgent(c.agent, c.orgId, d.toAgentId)
  return started(c, agent.agentId, [...d.scope], {
    delegationId: d.delegationId,
    expiresAt: d.expiresAt,
  })
}

/** The org's active agent the session is for; `agentId`, when given, is who it must be. */
function liveAgent(agent: TokenHolder | null, orgId: string, agentId?: string): TokenHolder {
  if (!agent || agent.orgId !== orgId || (agentId !== undefined && agent.agentId !== agentId)) {
    throw new SessionAgentNotFound('agent not found')
  }
  if (agent.status !== 'active') throw new SessionAgentRevoked(`agent ${agent.agentId} is revoked`)
  return agent
}

function started(
  c: Start | StartDelegated,
  agentId: string,
  scopeCeiling: string[],
  under?: { delegationId: string; expiresAt: string },
): SessionEvent[] {
  const { sessionId, orgId, serverId, mode } = c
  const startedAt = c.now.toISOString()
  return [
    {
      type: 'SessionStarted',
      data: { sessionId, agentId, orgId, serverId, mode, scopeCeiling, startedAt, ...under },
    },
  ]
}

function close(
  c: Extract<SessionCommand, { type: 'CloseSession' }>,
  state: SessionState,
): SessionEvent[] {
  if (state.status === 'none' || state.orgId !== c.orgId)
    throw new SessionNotFound('session not found')
  // Closing a closed session changes nothing: revocation may race an agent's own end.
  if (state.status === 'closed') return []
  return [
    {
      type: 'SessionClosed',
      data: {
        sessionId: c.sessionId,
        agentId: state.agentId,
        orgId: c.orgId,
        reason: c.reason,
        closedAt: c.now.toISOString(),
      },
    },
  ]
}

export const sessionDecider: Decider<SessionCommand, SessionEvent, SessionState> = {
  decide,
  evolve,
  initialState,
  parse: parseSessionEvent,
}
export const sessionStreamId = (sessionId: string) => `session-${sessionId}`
