import { AgentRegistered, AgentRevoked, eventParser } from '@tessera/contracts'

export type AgentEvent =
  { type: 'AgentRegistered'; data: AgentRegistered } | { type: 'AgentRevoked'; data: AgentRevoked }

export type AgentStatus = 'active' | 'revoked'

/** What deciding needs about one agent: whether it exists, whose it is, and whether it is live. */
export type AgentState =
  { status: 'unregistered' } | { status: AgentStatus; agentId: string; orgId: string }

export const initialState = (): AgentState => ({ status: 'unregistered' })

export function evolve(state: AgentState, event: AgentEvent): AgentState {
  switch (event.type) {
    case 'AgentRegistered':
      return { status: 'active', agentId: event.data.agentId, orgId: event.data.orgId }
    case 'AgentRevoked':
      return state.status === 'unregistered' ? state : { ...state, status: 'revoked' }
  }
}

/** Reads an agent event back from the log, validated against its contract. */
export const parseAgentEvent = eventParser('an agent', { AgentRegistered, AgentRevoked })
