import { AgentCardPublished, AgentCardWithdrawn, eventParser } from '@tessera/contracts'

export type AgentCardEvent =
  | { type: 'AgentCardPublished'; data: AgentCardPublished }
  | { type: 'AgentCardWithdrawn'; data: AgentCardWithdrawn }

/** One agent's card, folded from stream `card-<agentId>`: what is published now, if anything. */
export type AgentCardState =
  | { status: 'none' }
  | { status: 'published'; orgId: string; cardHash: string; kid: string }
  | { status: 'withdrawn'; orgId: string }

export const initialState = (): AgentCardState => ({ status: 'none' })

export function evolve(state: AgentCardState, event: AgentCardEvent): AgentCardState {
  switch (event.type) {
    case 'AgentCardPublished': {
      const { orgId, cardHash, kid } = event.data
      return { status: 'published', orgId, cardHash, kid }
    }
    case 'AgentCardWithdrawn':
      return { status: 'withdrawn', orgId: event.data.orgId }
  }
}

export const parseAgentCardEvent = eventParser('an agent card', {
  AgentCardPublished,
  AgentCardWithdrawn,
})
