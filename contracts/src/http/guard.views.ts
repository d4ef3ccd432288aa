import type { ActionEffect, CheckDecision } from '../events/action.events.ts'

// What guardian's HTTP API answers with, for the answers the SDK types too: written once here
// so the service and the published client cannot drift apart.

/** `POST /v1/actions/check`: a deny or an elevation is an answer, not an error. */
export interface ActionCheckResult {
  allowed: boolean
  decision: CheckDecision
  elevationRequired: boolean
  reason: string
  /** The rule that decided: `agent.capabilities`, `session.supervised`, `policy:<name>`, … */
  rule: string
  confidence: number
  checkId: string
  /** Set when elevation is (or was) involved: the approval to decide, or the one used. */
  approvalId?: string
  capability: string
  effect: ActionEffect
  effectSource: 'declared' | 'classified'
}

export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired'

/** An elevation approval, as `GET /v1/approvals/:id` shows it. */
export interface Approval {
  approvalId: string
  status: ApprovalStatus
  agentId: string
  sessionId: string | null
  action: string
  /** The tool the agent wants to call. */
  actionName: string
  actionEffect: ActionEffect
  toolInputSummary: string | null
  /**
   * What it is bound to, with the agent, session and effect: the canonical capability and the
   * SHA-256 of the RFC 8785 JSON of `{summary, params}` the check sent. Null on approvals
   * requested before binding existed; no check can use those.
   */
  capability: string | null
  inputDigest: string | null
  /** The check that asked, and the rule that required elevation. */
  checkId: string
  rule: string
  reason: string
  requestedAt: string
  /** A pending approval lapses at this time. */
  expiresAt: string
  /** The note the decider gave, if any. */
  decidedBy: string | null
  /** The API key that decided (and its user); null while undecided or decided before it existed. */
  decidedByKey: { keyId: string; userId?: string } | null
  decidedAt: string | null
  denyReason: string | null
  /** Approved: the same check passes once if retried before this time. */
  usableUntil: string | null
  consumedAt: string | null
  consumedByCheckId: string | null
}
