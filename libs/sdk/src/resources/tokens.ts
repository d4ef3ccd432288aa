import type {
  IntrospectTokenRequest,
  IssuedToken,
  IssueTokenRequest,
  RevokedToken,
  TokenIntrospection,
} from '@tessera/contracts'
import type { HttpClient } from '../http.ts'
import { segment } from '../http.ts'

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
