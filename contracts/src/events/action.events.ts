import { z } from 'zod'
import { AgentId, Capability, OrgId, SessionId } from './guardian.events.ts'

export const ApprovalId = z.string().regex(/^apr_[0-9a-z]{26}$/, 'must be an approval id (apr_…)')
export const CheckId = z.string().regex(/^chk_[0-9a-z]{26}$/, 'must be a check id (chk_…)')

/** How much harm a tool call can do; `destructive` and `admin` may need a human's approval. */
export const ActionEffect = z.enum(['read', 'mutating', 'destructive', 'admin'])
export type ActionEffect = z.infer<typeof ActionEffect>

export const CheckDecision = z.enum(['allow', 'deny', 'elevation_required'])
export type CheckDecision = z.infer<typeof CheckDecision>

/**
 * One answer to "may this agent do this, now?": a row of guardian's decision log. It is
 * written before the answer is sent, so every answer an agent acted on is on record.
 */
export const ActionChecked = z.object({
  checkId: CheckId,
  orgId: OrgId,
  agentId: AgentId,
  sessionId: SessionId.optional(),
  /** The kind of action, `tool_call` unless the caller says otherwise. */
  action: z.string().min(1).max(100),
  toolName: z.string().min(1).max(200),
  /** At most 200 characters; the full input is never sent to guardian. */
  toolInputSummary: z.string().max(200).optional(),
  /** The capability the tool needs, from its name (`web_search` → `web:search`). */
  capability: Capability,
  effect: ActionEffect,
  /** `declared` by the caller, or `classified` from the tool name. */
  effectSource: z.enum(['declared', 'classified']),
  /** How sure guardian is of the effect: 1 when declared, the classifier's figure otherwise. */
  confidence: z.number().min(0).max(1),
  decision: CheckDecision,
  reason: z.string().min(1).max(500),
  /** The rule that decided: `agent.capabilities`, `session.supervised`, `policy:<name>`, … */
  rule: z.string().min(1).max(200),
  approvalId: ApprovalId.optional(),
  checkedAt: z.iso.datetime({ offset: true }),
})
export type ActionChecked = z.infer<typeof ActionChecked>

/** An action needs a human (or another system) to approve it before it may run. */
export const ApprovalRequested = z.object({
  approvalId: ApprovalId,
  orgId: OrgId,
  agentId: AgentId,
  sessionId: SessionId.optional(),
  action: z.string().min(1).max(100),
  /** The tool the agent wants to call. */
  actionName: z.string().min(1).max(200),
  actionEffect: ActionEffect,
  toolInputSummary: z.string().max(200).optional(),
  /** The check that asked for it, and the rule that required elevation. */
  checkId: CheckId,
  rule: z.string().min(1).max(200),
  reason: z.string().min(1).max(500),
  requestedAt: z.iso.datetime({ offset: true }),
  /** A pending approval lapses at this time. */
  expiresAt: z.iso.datetime({ offset: true }),
})
export type ApprovalRequested = z.infer<typeof ApprovalRequested>

const DecidedBy = z.string().trim().min(1).max(200)

export const ApprovalApproved = z.object({
  approvalId: ApprovalId,
  orgId: OrgId,
  decidedBy: DecidedBy,
  decidedAt: z.iso.datetime({ offset: true }),
  /** The approved check passes once, if it is retried before this time. */
  usableUntil: z.iso.datetime({ offset: true }),
})
export type ApprovalApproved = z.infer<typeof ApprovalApproved>

export const ApprovalDenied = z.object({
  approvalId: ApprovalId,
  orgId: OrgId,
  decidedBy: DecidedBy,
  reason: z.string().max(500).optional(),
  decidedAt: z.iso.datetime({ offset: true }),
})
export type ApprovalDenied = z.infer<typeof ApprovalDenied>

/** Nobody decided within the org's approval window. */
export const ApprovalExpired = z.object({
  approvalId: ApprovalId,
  orgId: OrgId,
  expiredAt: z.iso.datetime({ offset: true }),
})
export type ApprovalExpired = z.infer<typeof ApprovalExpired>

/** An approved check was retried and passed; an approval lets exactly one call through. */
export const ApprovalConsumed = z.object({
  approvalId: ApprovalId,
  orgId: OrgId,
  checkId: CheckId,
  consumedAt: z.iso.datetime({ offset: true }),
})
export type ApprovalConsumed = z.infer<typeof ApprovalConsumed>
