import type { InactiveReason, TokenIntrospection } from '@tessera/contracts'

/** What introspection reads about a token, its agent included. */
export interface TokenRecord {
  tokenId: string
  agentId: string
  scopes: string[]
  audience: string[]
  expiresAt: Date
  revokedAt: Date | null
  agentStatus: 'active' | 'revoked'
}

/** The answer of `POST /v1/tokens/introspect`, as the contract defines it. */
export type Introspection = TokenIntrospection

/**
 * Whether a token may be used now, for `target` and with `requiredScopes`. The first reason
 * that applies wins, in the order listed by {@link InactiveReason}.
 */
export function introspect(
  token: TokenRecord | null,
  q: { target?: string | undefined; requiredScopes?: readonly string[] | undefined },
  now: Date,
): Introspection {
  if (!token)
    return { active: false, agentId: null, scopes: [], expiresAt: null, reason: 'unknown_token' }
  const base = {
    agentId: token.agentId,
    scopes: token.scopes,
    expiresAt: token.expiresAt.toISOString(),
  }
  const inactive = (reason: InactiveReason): Introspection => ({ active: false, ...base, reason })
  if (token.expiresAt.getTime() <= now.getTime()) return inactive('expired')
  if (token.revokedAt) return inactive('revoked')
  if (token.agentStatus !== 'active') return inactive('agent_revoked')
  if (q.target !== undefined && token.audience.length > 0 && !token.audience.includes(q.target)) {
    return inactive('wrong_target')
  }
  if (q.requiredScopes?.some((s) => !token.scopes.includes(s))) return inactive('missing_scope')
  return { active: true, ...base }
}
