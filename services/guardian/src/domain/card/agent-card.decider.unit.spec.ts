import { describe, it } from 'vitest'
import { spec } from '@tessera/testing'
import {
  type AgentCardCommand,
  CardAgentNotFound,
  CardAgentRevoked,
  agentCardDecider,
} from './agent-card.decider.ts'
import type { AgentCardEvent } from './agent-card.state.ts'

const orgId = 'org_0123456789abcdefghjkmnpqrs'
const otherOrg = 'org_zzzzzzzzzzzzzzzzzzzzzzzzzz'
const agentId = 'agt_0123456789abcdefghjkmnpqrs'
const now = new Date('2026-11-22T12:00:00.000Z')
const hashA = 'a'.repeat(64)
const hashB = 'b'.repeat(64)
const agent = { agentId, orgId, status: 'active' as const }

const publish = (
  over: Partial<Extract<AgentCardCommand, { type: 'PublishAgentCard' }>> = {},
): AgentCardCommand => ({
  type: 'PublishAgentCard',
  agentId,
  orgId,
  agent,
  cardHash: hashA,
  kid: 'kid-1',
  now,
  ...over,
})
const withdraw = (reason: 'unpublished' | 'agent_revoked' = 'unpublished'): AgentCardCommand => ({
  type: 'WithdrawAgentCard',
  agentId,
  orgId,
  reason,
  now,
})
const published = (cardHash = hashA, kid = 'kid-1'): AgentCardEvent => ({
  type: 'AgentCardPublished',
  data: { agentId, orgId, cardHash, kid, publishedAt: now.toISOString() },
})
const withdrawn = (reason: 'unpublished' | 'agent_revoked'): AgentCardEvent => ({
  type: 'AgentCardWithdrawn',
  data: { agentId, orgId, reason, withdrawnAt: now.toISOString() },
})

describe('agent card decider', () => {
  it("publishes an active agent's card", () => {
    spec(agentCardDecider).given([]).when(publish()).then([published()])
  })

  it('publishes again only when the card or the key changed', () => {
    spec(agentCardDecider).given([published()]).when(publish()).then([])
    spec(agentCardDecider)
      .given([published()])
      .when(publish({ cardHash: hashB }))
      .then([published(hashB)])
    spec(agentCardDecider)
      .given([published()])
      .when(publish({ kid: 'kid-2' }))
      .then([published(hashA, 'kid-2')])
    spec(agentCardDecider)
      .given([published(), withdrawn('unpublished')])
      .when(publish())
      .then([published()])
  })

  it("refuses a revoked agent, an unknown one and another org's", () => {
    spec(agentCardDecider)
      .given([])
      .when(publish({ agent: { ...agent, status: 'revoked' } }))
      .thenThrows(CardAgentRevoked)
    spec(agentCardDecider)
      .given([])
      .when(publish({ agent: null }))
      .thenThrows(CardAgentNotFound)
    spec(agentCardDecider)
      .given([])
      .when(publish({ agent: { ...agent, orgId: otherOrg } }))
      .thenThrows(CardAgentNotFound)
  })

  it('withdraws a published card, and only that', () => {
    spec(agentCardDecider)
      .given([published()])
      .when(withdraw('agent_revoked'))
      .then([withdrawn('agent_revoked')])
    spec(agentCardDecider).given([]).when(withdraw()).then([])
    spec(agentCardDecider)
      .given([published(), withdrawn('unpublished')])
      .when(withdraw())
      .then([])
    spec(agentCardDecider)
      .given([published()])
      .when({ ...withdraw(), orgId: otherOrg })
      .then([])
  })
})
