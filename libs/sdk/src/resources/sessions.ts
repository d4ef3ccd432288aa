import type { SessionMode } from '@tessera/contracts'
import type { HttpClient } from '../http.ts'
import { segment } from '../http.ts'

export interface InitSessionRequest {
  agentId: string
  /** The server the agent connects to: an MCP server's name, an API. */
  serverId: string
  /** `open` (default): anything the agent holds; `restricted`: only the ceiling; `supervised`: destructive and admin calls need approval. */
  mode?: SessionMode
  /** Within the agent's capabilities; default: all of them. */
  scopeCeiling?: string[]
}

export interface Session {
  sessionId: string
  agentId: string
  serverId: string
  mode: SessionMode
  scopeCeiling: string[]
  status: 'active' | 'closed'
  /** Checks made in the session, and those not allowed (denied or needing elevation). */
  totalCalls: number
  deniedCalls: number
  startedAt: string
  closedAt: string | null
  closeReason: string | null
  /** Set for a session opened from a delegation. */
  delegationId?: string | null
  expiresAt?: string | null
}

/** `client.sessions`: an agent's connection to a server, with its mode and counters. */
export class SessionsResource {
  constructor(private readonly http: HttpClient) {}

  initSession(request: InitSessionRequest): Promise<Session> {
    return this.http.request({ method: 'POST', path: '/v1/sessions', body: request })
  }

  getSession(sessionId: string): Promise<Session> {
    return this.http.request({ method: 'GET', path: `/v1/sessions/${segment(sessionId)}` })
  }
}
