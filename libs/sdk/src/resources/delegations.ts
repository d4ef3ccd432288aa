import type {
  CreateDelegationRequest,
  DelegatedSession,
  Delegation,
  ListDelegationsFilter,
  PageRequest,
  RevokedDelegation,
  StartDelegatedSessionRequest,
} from '@tessera/contracts'
import type { HttpClient, Page } from '../http.ts'
import { paginate, segment } from '../http.ts'

export type ListDelegationsRequest = ListDelegationsFilter & PageRequest

export type DelegationPage = Page<Delegation>

/** `POST /v1/delegations/:id/sessions`; the contract's `StartDelegatedSessionRequest`. */
export type InitDelegatedSessionRequest = StartDelegatedSessionRequest

/** `client.delegations`: agents handing part of their authority to other agents of the org. */
export class DelegationsResource {
  constructor(private readonly http: HttpClient) {}

  /** A re-delegation past depth 3 is a `ValidationError` with code `DELEGATION_DEPTH_EXCEEDED`. */
  create(request: CreateDelegationRequest): Promise<Delegation> {
    return this.http.request({ method: 'POST', path: '/v1/delegations', body: request })
  }

  /** One page; see {@link iterate} to walk them all. */
  list(request: ListDelegationsRequest = {}): Promise<DelegationPage> {
    const { agentId, status, limit, cursor } = request
    return this.http.request({
      method: 'GET',
      path: '/v1/delegations',
      query: { agentId, status, limit, cursor },
    })
  }

  /** Every delegation matching `request`, page after page, fetching each only when needed. */
  iterate(request: Omit<ListDelegationsRequest, 'cursor'> = {}): AsyncGenerator<Delegation> {
    return paginate((cursor) => this.list({ ...request, cursor }))
  }

  /** A `NotFoundError` for an unknown id and for another org's delegation alike. */
  get(delegationId: string): Promise<Delegation> {
    return this.http.request({ method: 'GET', path: `/v1/delegations/${segment(delegationId)}` })
  }

  /**
   * Revokes it and every delegation derived from it, and closes their sessions. Revoking twice
   * is a `TesseraError` with code `DELEGATION_REVOKED` (409).
   */
  revoke(delegationId: string, reason?: string): Promise<RevokedDelegation> {
    return this.http.request({
      method: 'POST',
      path: `/v1/delegations/${segment(delegationId)}/revoke`,
      body: reason === undefined ? {} : { reason },
    })
  }

  /**
   * Opens a session for the delegate under the delegated scope. A revoked or expired delegation
   * is a `TesseraError` with code `DELEGATION_REVOKED` or `DELEGATION_EXPIRED` (409).
   */
  initSession(
    delegationId: string,
    request: InitDelegatedSessionRequest,
  ): Promise<DelegatedSession> {
    return this.http.request({
      method: 'POST',
      path: `/v1/delegations/${segment(delegationId)}/sessions`,
      body: request,
    })
  }
}
