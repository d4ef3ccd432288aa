import type { Decider } from '@tessera/contracts'
import type { AgentStatus } from '../agent/agent.state.ts'
import {
  type AgentCardEvent,
  type AgentCardState,
  evolve,
  initialState,
  parseAgentCardEvent,
} from './agent-card.state.ts'

/** The agent a card is for, as deciding needs it; null when the org has no such agent. */
export interface CardHolder {
  agentId: string
  orgId: string
  status: AgentStatus
}

export type AgentCardCommand =
  | {
      type: 'PublishAgentCard'
      agentId: string
      orgId: string
      agent: CardHolder | null
      /** Of the signed card the shell built: publishing the same card again changes nothing. */
      cardHash: string
      kid: string
      now: Date
    }
  | {
      type: 'WithdrawAgentCard'
      agentId: string
      orgId: string
      reason: 'unpublished' | 'agent_revoked'
      now: Date
    }

export class CardAgentNotFound extends Error {
  readonly code = 'NOT_FOUND'
}
export class CardAgentRevoked extends Error {
  readonly code = 'AGENT_REVOKED'
}

export function decide(command: AgentCardCommand, state: AgentCardState): AgentCardEvent[] {
  switch (command.type) {
    case 'PublishAgentCard':
      return publish(command, state)
    case 'WithdrawAgentCard':
      return withdraw(command, state)
    default: {
      const _exhaustive: never = command
      return _exhaustive
    }
  }
}

function publish(
  c: Extract<AgentCardCommand, { type: 'PublishAgentCard' }>,
  state: AgentCardState,
): AgentCardEvent[] {
  const agent = c.agent
  if (!agent || agent.orgId !== c.orgId || agent.agentId !== c.agentId)
    throw new CardAgentNotFound(`agent ${c.agentId} not found`)
  if (agent.status !== 'active') throw new CardAgentRevoked(`agent ${c.agentId} is revoked`)
  if (state.status === 'published' && state.cardHash === c.cardHash && state.kid === c.kid)
    return []
  return [
    {
      type: 'AgentCardPublished',
      data: {
        agentId: c.agentId,
        orgId: c.orgId,
        cardHash: c.cardHash,
        kid: c.kid,
        publishedAt: c.now.toISOString(),
      },
    },
  ]
}

function withdraw(
  c: Extract<AgentCardCommand, { type: 'WithdrawAgentCard' }>,
  state: AgentCardState,
): AgentCardEvent[] {
  // Nothing published (or another org's card, which this org cannot see): nothing to take down.
  if (state.status !== 'published' || state.orgId !== c.orgId) return []
  return [
    {
      type: 'AgentCardWithdrawn',
      data: {
        agentId: c.agentId,
        orgId: c.orgId,
        reason: c.reason,
        withdrawnAt: c.now.toISOString(),
      },
    },
  ]
}

export const agentCardDecider: Decider<AgentCardCommand, AgentCardEvent, AgentCardState> = {
  decide,
  evolve,
  initialState,
  parse: parseAgentCardEvent,
}
export const agentCardStreamId = (agentId: string) => `card-${agentId}`
