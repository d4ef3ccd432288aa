import { z } from 'zod'
import { Ulid } from '../telemetry/arden.ts'
import { AgentId, Capability, KeyId, OrgId, SessionId } from './guardian.events.ts'

export const ApprovalId = z.string().regex(/^apr_[0-9a-z]{26}$/, 'must be an approval id (apr_…)')
/** SHA-256, lowercase hex, of what a check asked about (see `ApprovalRequested`). */
export const InputDigest = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in hex')
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

/** At most this many decisions travel in one `ActionChecked` message. */
export const ACTION_CHECKS_PER_MESSAGE = 100

/**
 * What an `ActionChecked` message carries: decisions of one org, from one round of guardian's
 * decision relay (the decision log's commits of up to ~50 ms), in check id order, at most
 * {@link ACTION_CHECKS_PER_MESSAGE}. Each check is published exactly once: the message id is
 * fixed by its first check, and a round re-run after a crash builds the same messages, so
 * JetStream drops the copies.
 */
export const ActionCheckedBatch = z.object({
  orgId: OrgId,
  checks: z.array(ActionChecked).min(1).max(ACTION_CHECKS_PER_MESSAGE),
})
export type ActionCheckedBatch = z.infer<typeof ActionCheckedBatch>

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
  /**
   * What the approval is bound to, with agent, session and effect: the canonical capability
   * (`transferFunds` and `transfer_funds` are both `transfer:funds`) and the SHA-256 (hex) of the
   * RFC 8785 JSON of `{summary, params}` as the check sent them (the whole summary, before it is
   * cut to 200 characters). Only a check with the same ones may use it. Approvals requested
   * before binding existed have neither, and no check can use them.
   */
  capability: Capability.optional(),
  inputDigest: InputDigest.optional(),
  /** The check that asked for it, and the rule that required elevation. */
  checkId: CheckId,
  rule: z.string().min(1).max(200),
  reason: z.string().min(1).max(500),
  requestedAt: z.iso.datetime({ offset: true }),
  /** A pending approval lapses at this time. */
  expiresAt: z.iso.datetime({ offset: true }),
})
export type ApprovalRequested = z.infer<typeof ApprovalRequested>

/** A free note on who decided (an email, a name); the deciding key is in `decidedByKey`. */
const DecidedBy = z.string().trim().min(1).max(200)

/** The API key that decided, and the user it acts for when it has one. */
export const DecidingKey = z.object({
  keyId: KeyId,
  userId: Ulid.optional(),
})
export type DecidingKey = z.infer<typeof DecidingKey>

export const ApprovalApproved = z.object({
  approvalId: ApprovalId,
  orgId: OrgId,
  /** Optional since the deciding key is recorded; events before that have only this. */
  decidedBy: DecidedBy.optional(),
  /** Absent only in events recorded before it existed. */
  decidedByKey: DecidingKey.optional(),
  decidedAt: z.iso.datetime({ offset: true }),
  /** The approved check passes once, if it is retried before this time. */
  usableUntil: z.iso.datetime({ offset: true }),
})
export type ApprovalApproved = z.infer<typeof ApprovalApproved>

export const ApprovalDenied = z.object({
  approvalId: ApprovalId,
  orgId: OrgId,
  decidedBy: DecidedBy.optional(),
  decidedByKey: DecidingKey.optional(),
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
