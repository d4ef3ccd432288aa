import { z } from 'zod'
import { AgentId, Capability, OrgId } from './guardian.events.ts'

export const DelegationId = z
  .string()
  .regex(/^dlg_[0-9a-z]{26}$/, 'must be a delegation id (dlg_…)')

/**
 * One agent handed part of its authority to another. The scope lies within what the delegator
 * holds: its capabilities for a root delegation, the parent's scope for a derived one.
 */
export const DelegationCreated = z.object({
  delegationId: DelegationId,
  orgId: OrgId,
  fromAgentId: AgentId,
  toAgentId: AgentId,
  scope: z.array(Capability).min(1).max(100),
  /** The delegation the delegator holds this authority by; absent for a root delegation. */
  parentDelegationId: DelegationId.optional(),
  /** The chain's first delegation: this one's id when it is a root. */
  rootDelegationId: DelegationId,
  /** 1 for a root delegation, the parent's depth + 1 for a derived one. */
  depth: z.number().int().min(1),
  createdAt: z.iso.datetime({ offset: true }),
  /** Never later than the parent's expiry. */
  expiresAt: z.iso.datetime({ offset: true }),
})
export type DelegationCreated = z.infer<typeof DelegationCreated>

export const DelegationRevoked = z.object({
  delegationId: DelegationId,
  orgId: OrgId,
  /**
   * `revoked`: by a caller; `parent_revoked`: a delegation it derives from was revoked;
   * `agent_revoked`: its delegator or delegate was revoked.
   */
  reason: z.enum(['revoked', 'parent_revoked', 'agent_revoked']),
  /** The caller's words, on a delegation revoked directly. */
  note: z.string().min(1).max(500).optional(),
  revokedAt: z.iso.datetime({ offset: true }),
  /** With `parent_revoked`: the delegation whose revocation this one followed. */
  cascadedFrom: DelegationId.optional(),
})
export type DelegationRevoked = z.infer<typeof DelegationRevoked>
