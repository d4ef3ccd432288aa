import { z } from 'zod'
import { AgentId, OrgId } from './guardian.events.ts'

/** SHA-256, hex, of a card's canonical payload: RFC 8785 JSON of the card without `signatures`. */
export const AgentCardHash = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256, hex')

/**
 * An agent's A2A agent card was published at `/a2a/agents/{agentId}/agent-card.json`, signed
 * by guardian's key `kid`. The card itself is not in the event: it is rebuilt from the agent.
 */
export const AgentCardPublished = z.object({
  agentId: AgentId,
  orgId: OrgId,
  cardHash: AgentCardHash,
  /** The JWK thumbprint (RFC 7638) of the key that signed it, as in guardian's JWKS. */
  kid: z.string().min(1).max(200),
  publishedAt: z.iso.datetime({ offset: true }),
})
export type AgentCardPublished = z.infer<typeof AgentCardPublished>

/** A published card was taken down: by its org, or because its agent was revoked. */
export const AgentCardWithdrawn = z.object({
  agentId: AgentId,
  orgId: OrgId,
  reason: z.enum(['unpublished', 'agent_revoked']),
  withdrawnAt: z.iso.datetime({ offset: true }),
})
export type AgentCardWithdrawn = z.infer<typeof AgentCardWithdrawn>
