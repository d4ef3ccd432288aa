import type { Agent, ListAgentsFilter, PageRequest, RegisterAgentRequest } from '@tessera/contracts'
import type { HttpClient, Page } from '../http.ts'
import { paginate, segment } from '../http.ts'

/** `POST /v1/agents`; the contract's `RegisterAgentRequest`. */
export type CreateAgentRequest = RegisterAgentRequest

export type ListAgentsRequest = ListAgentsFilter & PageRequest

export type AgentPage = Page<Agent>

/** `client.agents`: the org's agents. */
export class AgentsResource {
  constructor(private readonly http: HttpClient) {}

  create(request: CreateAgentRequest): Promise<Agent> {
    return this.http.request({ method: 'POST', path: '/v1/agents', body: request })
  }

  /** One page; see {@link iterate} to walk them all. */
  list(request: ListAgentsRequest = {}): Promise<AgentPage> {
    const { status, limit, cursor } = request
    return this.http.request({
      method: 'GET',
      path: '/v1/agents',
      query: { status, limit, cursor },
    })
  }

  /** Every agent matching `request`, page after page, fetching the next page only when needed. */
  iterate(request: Omit<ListAgentsRequest, 'cursor'> = {}): AsyncGenerator<Agent> {
    return paginate((cursor) => this.list({ ...request, cursor }))
  }

  /** A `NotFoundError` for an unknown id and for another org's agent alike. */
  get(agentId: string): Promise<Agent> {
    return this.http.request({ method: 'GET', path: `/v1/agents/${segment(agentId)}` })
  }

  /** Revokes at once and for good; the agent's tokens go inactive with it. */
  revoke(agentId: string, reason: string): Promise<Agent> {
    return this.http.request({
      method: 'POST',
      path: `/v1/agents/${segment(agentId)}/revoke`,
      body: { reason },
    })
  }
}
