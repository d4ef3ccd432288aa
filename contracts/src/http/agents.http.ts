import { z } from 'zod'
import { Capability } from '../events/guardian.events.ts'

// Guardian's `/v1/agents` API: the bodies it validates and the agent it answers with, written
// once here for the controller and for `@tessera/sdk`.

export const AGENT_METADATA_MAX_BYTES = 16 * 1024

export const AgentStatus = z.enum(['active', 'revoked'])
export type AgentStatus = z.infer<typeof AgentStatus>

/**
 * `POST /v1/agents`. Guardian narrows `publicKey` further: it must decode to an Ed25519 key
 * (32 bytes as base64url or base64, or a `z6Mk…` did:key).
 */
export const RegisterAgentBody = z.object({
  name: z.string().trim().min(1).max(200),
  framework: z.string().trim().min(1).max(100),
  capabilities: z.array(Capability).max(200),
  metadata: z
    .record(z.string(), z.unknown())
    .refine((m) => new TextEncoder().encode(JSON.stringify(m)).length <= AGENT_METADATA_MAX_BYTES, {
      message: `must be at most ${AGENT_METADATA_MAX_BYTES} bytes of JSON`,
    })
    .optional(),
  /** Ed25519 public key: 32 bytes as base64url or base64, or a `z6Mk…` did:key. */
  publicKey: z.string().max(200).optional(),
})
export type RegisterAgentRequest = z.input<typeof RegisterAgentBody>

/** `POST /v1/agents/:id/revoke`. */
export const RevokeAgentBody = z.object({ reason: z.string().trim().min(1).max(500) })

/** `GET /v1/agents` filters, besides `limit` and `cursor`. */
export const ListAgentsFilter = z.object({ status: AgentStatus.optional() })
export type ListAgentsFilter = z.input<typeof ListAgentsFilter>

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
