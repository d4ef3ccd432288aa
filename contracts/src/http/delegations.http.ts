import { z } from 'zod'
import {
  type DelegationCreated,
  DelegationId,
  type DelegationRevoked,
} from '../events/delegation.events.ts'
import { AgentId, Capability, SessionMode } from '../events/guardian.events.ts'
import type { Session } from './sessions.http.ts'

// Guardian's `/v1/delegations` API, for the controller and for `@tessera/sdk`.

/** The longest a delegation lives: a day. */
export const MAX_DELEGATION_TTL_SECONDS = 86_400

/** `expired`: not revoked, but past `expiresAt`. */
export const DelegationStatus = z.enum(['active', 'revoked', 'expired'])
export type DelegationStatus = z.infer<typeof DelegationStatus>

/** `POST /v1/delegations`. */
export const CreateDelegationBody = z.object({
  fromAgentId: z.string().min(1).max(100),
  toAgentId: z.string().min(1).max(100),
  /**
   * Within what the delegator holds (its capabilities, or the parent's scope), else a
   * `ValidationError` with `details.notGranted`.
   */
  scope: z.array(Capability).min(1).max(100),
  /** 1 to 86 400; a re-delegation never outlives its parent, whatever is asked. */
  ttlSeconds: z.number().int().min(1).max(MAX_DELEGATION_TTL_SECONDS),
  /** Re-delegate: a live delegation to `fromAgentId`. Chains are at most 3 deep. */
  parentDelegationId: DelegationId.optional(),
})
export type CreateDelegationRequest = z.input<typeof CreateDelegationBody>

/** `POST /v1/delegations/:id/revoke`. */
export const RevokeDelegationBody = z.object({
  reason: z.string().trim().min(1).max(500).optional(),
})

/** `POST /v1/delegations/:id/sessions`. */
export const StartDelegatedSessionBody = z.object({
  serverId: z.string().trim().min(1).max(200),
  /** Default `restricted`: only the delegated scope. */
  mode: SessionMode.default('restricted'),
})
export type StartDelegatedSessionRequest = z.input<typeof StartDelegatedSessionBody>

/** `GET /v1/delegations` filters, besides `limit` and `cursor`. */
export const ListDelegationsFilter = z.object({
  /** Delegations from or to this agent. */
  agentId: AgentId.optional(),
  status: DelegationStatus.optional(),
})
export type ListDelegationsFilter = z.input<typeof ListDelegationsFilter>

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

/** The revoked delegation, and the ids of those revoked with it because they derive from it. */
export interface RevokedDelegation extends Delegation {
  cascaded: string[]
}

/** A session under a delegation: its ceiling is the delegated scope, and it ends with it. */
export type DelegatedSession = Session & { delegationId: string; expiresAt: string }
