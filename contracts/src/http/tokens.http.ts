import { z } from 'zod'
import { Capability, type CapabilityTokenIssued } from '../events/guardian.events.ts'

// Guardian's `/v1/tokens` API, for the controller and for `@tessera/sdk`.

/** The longest a capability token lives: a day. */
export const MAX_TOKEN_TTL_SECONDS = 86_400

/** `POST /v1/tokens`. */
export const IssueTokenBody = z.object({
  agentId: z.string().min(1).max(100),
  /** Within the agent's capabilities, else a `ValidationError` with `details.notGranted`. */
  scopes: z.array(Capability).min(1).max(100),
  /** Targets the token may be presented to (`mcp://filesystem`); empty or absent means any. */
  audience: z.array(z.string().min(1).max(500)).max(20).default([]),
  /** 1 to 86 400; guardian's default is 300. */
  ttlSeconds: z.number().int().min(1).max(MAX_TOKEN_TTL_SECONDS).default(300),
})
export type IssueTokenRequest = z.input<typeof IssueTokenBody>

/** `POST /v1/tokens/introspect`. */
export const IntrospectTokenBody = z.object({
  token: z.string().min(1).max(500),
  /** Inactive (`wrong_target`) when the token has an audience without this target. */
  target: z.string().min(1).max(500).optional(),
  /** Inactive (`missing_scope`) unless the token has every one of these. */
  requiredScopes: z.array(Capability).max(100).optional(),
})
export type IntrospectTokenRequest = z.input<typeof IntrospectTokenBody>

/** The issued token; `token` is the secret and is shown only in this answer. */
export type IssuedToken = Pick<
  CapabilityTokenIssued,
  'tokenId' | 'agentId' | 'scopes' | 'audience' | 'expiresAt'
> & { token: string }

/** Why a token is inactive; the first that applies wins, in this order. */
export type InactiveReason =
  'unknown_token' | 'expired' | 'revoked' | 'agent_revoked' | 'wrong_target' | 'missing_scope'

/** An inactive token is an answer (`active: false`, `reason`), not an error. */
export type TokenIntrospection =
  | { active: true; agentId: string; scopes: string[]; expiresAt: string }
  | {
      active: false
      /** Null for an unknown token (another org's tokens are unknown too). */
      agentId: string | null
      scopes: string[]
      expiresAt: string | null
      reason: InactiveReason
    }

export interface RevokedToken {
  tokenId: string
  revokedAt: string
}
