import { sql } from 'kysely'
import {
  ApprovalApproved,
  ApprovalConsumed,
  ApprovalDenied,
  ApprovalExpired,
  ApprovalRequested,
} from '@tessera/contracts'
import { inlineProjection, onEvent } from '@tessera/service-kit'

/** Who decided, and when: the same columns for an approval and a denial. */
function decided(e: ApprovalApproved | ApprovalDenied) {
  return sql`decided_by = ${e.decidedBy ?? null},
    decided_by_key_id = ${e.decidedByKey?.keyId ?? null},
    decided_by_user_id = ${e.decidedByKey?.userId ?? null}, decided_at = ${e.decidedAt}`
}

/** `approvals`, written from the approval's events: filed, decided, lapsed, used up. */
export const approvalsProjection = inlineProjection({
  name: 'approvals',
  tables: ['approvals'],
  on: {
    ApprovalRequested: onEvent(ApprovalRequested, (tx, s, e) =>
      sql`insert into ${s}.approvals (approval_id, org_id, agent_id, session_id,
          action, action_name, action_effect, tool_input_summary, capability, input_digest,
          check_id, rule, reason, status, requested_at, expires_at)
        values (${e.approvalId}, ${e.orgId}, ${e.agentId}, ${e.sessionId ?? null}, ${e.action},
          ${e.actionName}, ${e.actionEffect}, ${e.toolInputSummary ?? null},
          ${e.capability ?? null}, ${e.inputDigest ?? null}, ${e.checkId}, ${e.rule},
          ${e.reason}, 'pending', ${e.requestedAt}, ${e.expiresAt})`.execute(tx),
    ),
    ApprovalApproved: onEvent(ApprovalApproved, (tx, s, e) =>
      sql`update ${s}.approvals set status = 'approved', ${decided(e)},
        usable_until = ${e.usableUntil} where approval_id = ${e.approvalId}`.execute(tx),
    ),
    ApprovalDenied: onEvent(ApprovalDenied, (tx, s, e) =>
      sql`update ${s}.approvals set status = 'denied', ${decided(e)},
        deny_reason = ${e.reason ?? null} where approval_id = ${e.approvalId}`.execute(tx),
    ),
    ApprovalExpired: onEvent(ApprovalExpired, (tx, s, e) =>
      sql`update ${s}.approvals set status = 'expired'
        where approval_id = ${e.approvalId}`.execute(tx),
    ),
    ApprovalConsumed: onEvent(ApprovalConsumed, (tx, s, e) =>
      sql`update ${s}.approvals set consumed_at = ${e.consumedAt},
        consumed_by_check = ${e.checkId} where approval_id = ${e.approvalId}`.execute(tx),
    ),
  },
})
