import { sql } from 'kysely'
import {
  ApprovalApproved,
  ApprovalConsumed,
  ApprovalDenied,
  ApprovalExpired,
  ApprovalRequested,
} from '@tessera/contracts'
import type { InlineProjection } from '@tessera/service-kit'

/** Who decided, and when: the same columns for an approval and a denial. */
function decided(e: ApprovalApproved | ApprovalDenied) {
  return sql`decided_by = ${e.decidedBy ?? null},
    decided_by_key_id = ${e.decidedByKey?.keyId ?? null},
    decided_by_user_id = ${e.decidedByKey?.userId ?? null}, decided_at = ${e.decidedAt}`
}

/** `approvals`, written from the approval's events: filed, decided, lapsed, used up. */
export const approvalsProjection: InlineProjection = {
  name: 'approvals',
  tables: ['approvals'],
  handles: [
    'ApprovalRequested',
    'ApprovalApproved',
    'ApprovalDenied',
    'ApprovalExpired',
    'ApprovalConsumed',
  ],
  async evolve(tx, schema, event) {
    const s = sql.id(schema)
    switch (event.type) {
      case 'ApprovalRequested': {
        const e = ApprovalRequested.parse(event.data)
        await sql`insert into ${s}.approvals (approval_id, org_id, agent_id, session_id,
            action, action_name, action_effect, tool_input_summary, capability, input_digest,
            check_id, rule, reason, status, requested_at, expires_at)
          values (${e.approvalId}, ${e.orgId}, ${e.agentId}, ${e.sessionId ?? null}, ${e.action},
            ${e.actionName}, ${e.actionEffect}, ${e.toolInputSummary ?? null},
            ${e.capability ?? null}, ${e.inputDigest ?? null}, ${e.checkId}, ${e.rule},
            ${e.reason}, 'pending', ${e.requestedAt}, ${e.expiresAt})`.execute(tx)
        return
      }
      case 'ApprovalApproved': {
        const e = ApprovalApproved.parse(event.data)
        await sql`update ${s}.approvals set status = 'approved', ${decided(e)},
          usable_until = ${e.usableUntil} where approval_id = ${e.approvalId}`.execute(tx)
        return
      }
      case 'ApprovalDenied': {
        const e = ApprovalDenied.parse(event.data)
        await sql`update ${s}.approvals set status = 'denied', ${decided(e)},
          deny_reason = ${e.reason ?? null} where approval_id = ${e.approvalId}`.execute(tx)
        return
      }
      case 'ApprovalExpired': {
        const e = ApprovalExpired.parse(event.data)
        await sql`update ${s}.approvals set status = 'expired'
          where approval_id = ${e.approvalId}`.execute(tx)
        return
      }
      case 'ApprovalConsumed': {
        const e = ApprovalConsumed.parse(event.data)
        await sql`update ${s}.approvals set consumed_at = ${e.consumedAt},
          consumed_by_check = ${e.checkId} where approval_id = ${e.approvalId}`.execute(tx)
        return
      }
    }
  },
}
