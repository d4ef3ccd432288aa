import type { CapabilityTokenIssued } from '@tessera/contracts'
import type { HttpClient } from '../http.ts'
import { segment } from '../http.ts'

export interface IssueTokenRequest {
  agentId: string
  /** Within the agent's capabilities, else a `ValidationError` with `details.notGranted`. */
  scopes: string[]
  /** Targets the token may be presented to (`mcp://filesystem`); empty or absent means any. */
  audience?: string[]
  /** 1 to 86 400; guardian's default is 300. */
  ttlSeconds?: number
}

/** The issued token; `token` is the secret and is shown only in this answer. */
export type IssuedToken = Pick<
  CapabilityTokenIssued,
  'tokenId' | 'agentId' | 'scopes' | 'audience' | 'expiresAt'
> & { token: string }

export interface IntrospectTokenRequest {
  token: string
  /** Inactive (`wrong_target`) when the token has an audience without this target. */
  target?: string
  /** Inactive (`missing_scope`) unless the token has every one of these. */
  requiredScopes?: string[]
}

/** Why a token is inactive; the first that applies wins, in this order. */
export type InactiveReason =
  'unknown_token' | 'expired' | 'revoked' | 'agent_revoked' | 'wrong_target' | 'missing_scope'

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

/** `client.tokens`: opaque, short-lived capability tokens, checked only by introspection. */
export class TokensResource {
  constructor(private readonly http: HttpClient) {}

  issue(request: IssueTokenRequest): Promise<IssuedToken> {
    return this.http.request({ method: 'POST', path: '/v1/tokens', body: request })
  }

  /** An inactive token is an answer (`active: false`, `reason`), not an error. */
  introspect(request: IntrospectTokenRequest): Promise<TokenIntrospection> {
    return this.http.request({ method: 'POST', path: '/v1/tokens/introspect', body: request })
  }

  /** Revoking twice is a `TesseraError` with code `TOKEN_REVOKED` (409). */
  revoke(tokenId: string): Promise<RevokedToken> {
    return this.http.request({ method: 'POST', path: `/v1/tokens/${segment(tokenId)}/revoke` })
  }
}
