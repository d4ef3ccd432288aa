import type { DelegationCreated, DelegationRevoked, SessionMode } from '@tessera/contracts'
import type { HttpClient, Page } from '../http.ts'
import { paginate, segment } from '../http.ts'
import type { Session } from './sessions.ts'

/** `expired`: not revoked, but past `expiresAt`. */
export type DelegationStatus = 'active' | 'revoked' | 'expired'

/** A delegation as guardian shows it. */
export interface Delegation extends Pick<
  DelegationCreated,
  | 'delegationId'
  | 'orgId'
  | 'fromAgentId'
  | 'toAgentId'
  | 'scope'
  | 'rootDelegationId'
  | 'depth'
  | 'createdAt'
  | 'expiresAt'
> {
  /** Null for a root delegation. */
  parentDelegationId: string | null
  status: DelegationStatus
  revokedAt: string | null
  revokeReason: DelegationRevoked['reason'] | null
  /** The `reason` given to `revoke`, on a delegation revoked directly. */
  revokeNote: string | null
  /** With `parent_revoked`: the delegation whose revocation this one followed. */
  cascadedFrom: string | null
}

export interface CreateDelegationRequest {
  fromAgentId: string
  toAgentId: string
  /**
   * Within what the delegator holds (its capabilities, or the parent's scope), else a
   * `ValidationError` with `details.notGranted`.
   */
  scope: string[]
  /** 1 to 86 400; a re-delegation never outlives its parent, whatever is asked. */
  ttlSeconds: number
  /** Re-delegate: a live delegation to `fromAgentId`. Chains are at most 3 deep. */
  parentDelegationId?: string
}

export interface ListDelegationsRequest {
  /** Delegations from or to this agent. */
  agentId?: string
  status?: DelegationStatus
  /** 1 to 100; guardian's default is 50. */
  limit?: number
  /** `nextCursor` of the previous page. */
  cursor?: string
}

export type DelegationPage = Page<Delegation>

/** The revoked delegation, and the ids of those revoked with it because they derive from it. */
export interface RevokedDelegation extends Delegation {
  cascaded: string[]
}

export interface InitDelegatedSessionRequest {
  serverId: string
  /** Default `restricted`: only the delegated scope. */
  mode?: SessionMode
}

/** A session under a delegation: its ceiling is the delegated scope, and it ends with it. */
export type DelegatedSession = Session & { delegationId: string; expiresAt: string }

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
