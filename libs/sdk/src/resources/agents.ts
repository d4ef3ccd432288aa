import type { AgentRegistered } from '@tessera/contracts'
import type { HttpClient, Page } from '../http.ts'
import { paginate, segment } from '../http.ts'

export type AgentStatus = 'active' | 'revoked'

/** An agent as guardian shows it. */
export interface Agent {
  id: string
  orgId: string
  name: string
  framework: string
  capabilities: string[]
  metadata: Record<string, unknown>
  status: AgentStatus
  /** The Arden handle, `A-` and 8 hex digits. */
  handle: string
  /** Ed25519 public key, 32 bytes, base64url; only when one was registered. */
  publicKey?: string
  /** `did:key` of the public key, when there is one. */
  did?: string
  createdAt: string
  revokedAt?: string
  revokedReason?: string
}

/** The registration fields are those of the `AgentRegistered` contract. */
export interface CreateAgentRequest extends Pick<
  AgentRegistered,
  'name' | 'framework' | 'capabilities' | 'metadata'
> {
  /** Ed25519 public key: 32 bytes as base64url or base64, or a `z6Mk…` did:key. */
  publicKey?: string
}

export interface ListAgentsRequest {
  status?: AgentStatus
  /** 1 to 100; guardian's default is 50. */
  limit?: number
  /** `nextCursor` of the previous page. */
  cursor?: string
}

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
