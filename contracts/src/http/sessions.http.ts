import { z } from 'zod'
import { Capability, SessionMode } from '../events/guardian.events.ts'

// Guardian's `/v1/sessions` API, for the controller and for `@tessera/sdk`.

/** `POST /v1/sessions`. */
export const StartSessionBody = z.object({
  agentId: z.string().min(1).max(100),
  /** The server the agent connects to: an MCP server's name, an API. */
  serverId: z.string().trim().min(1).max(200),
  /** `open` (default): anything the agent holds; `restricted`: only the ceiling; `supervised`: destructive and admin calls need approval. */
  mode: SessionMode.default('open'),
  /** Within the agent's capabilities; default: all of them. */
  scopeCeiling: z.array(Capability).max(200).optional(),
})
export type StartSessionRequest = z.input<typeof StartSessionBody>

/** A session as guardian shows it. */
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
  delegationId: string | null
  /** When a delegated session's authority ends: its delegation's expiry. */
  expiresAt: string | null
}
