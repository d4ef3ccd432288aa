import { sql } from 'kysely'
import type { ActionEffect, Approval, ApprovalStatus } from '@tessera/contracts'
import type { SchemaDb, SchemaTx } from '@tessera/event-store'
import { type PageCursor, pageOf } from '@tessera/service-kit'

type Db = SchemaDb | SchemaTx

interface ApprovalRow {
  approval_id: string
  status: ApprovalStatus
  agent_id: string
  session_id: string | null
  action: string
  action_name: string
  action_effect: ActionEffect
  tool_input_summary: string | null
  capability: string | null
  input_digest: string | null
  check_id: string
  rule: string
  reason: string
  requested_at: Date
  expires_at: Date
  decided_by: string | null
  decided_by_key_id: string | null
  decided_by_user_id: string | null
  decided_at: Date | null
  deny_reason: string | null
  usable_until: Date | null
  consumed_at: Date | null
  consumed_by_check: string | null
}

/** A pending approval past its window reads as expired even before the sweeper records it. */
function toView(r: ApprovalRow, now: Date): Approval {
  return {
    approvalId: r.approval_id,
    status: r.status === 'pending' && r.expires_at <= now ? 'expired' : r.status,
    agentId: r.agent_id,
    sessionId: r.session_id,
    action: r.action,
    actionName: r.action_name,
    actionEffect: r.action_effect,
    toolInputSummary: r.tool_input_summary,
    capability: r.capability,
    inputDigest: r.input_digest,
    checkId: r.check_id,
    rule: r.rule,
    reason: r.reason,
    requestedAt: r.requested_at.toISOString(),
    expiresAt: r.expires_at.toISOString(),
    decidedBy: r.decided_by,
    decidedByKey:
      r.decided_by_key_id === null
        ? null
        : {
            keyId: r.decided_by_key_id,
            ...(r.decided_by_user_id === null ? {} : { userId: r.decided_by_user_id }),
          },
    decidedAt: r.decided_at?.toISOString() ?? null,
    denyReason: r.deny_reason,
    usableUntil: r.usable_until?.toISOString() ?? null,
    consumedAt: r.consumed_at?.toISOString() ?? null,
    consumedByCheckId: r.consumed_by_check,
  }
}

export async function findApproval(
  db: Db,
  schema: string,
  orgId: string,
  approvalId: string,
  now: Date,
) {
  const { rows } = await sql<ApprovalRow>`select * from ${sql.id(schema)}.approvals
    where org_id = ${orgId} and approval_id = ${approvalId}`.execute(db)
  return rows[0] && toView(rows[0], now)
}

/**
 * What a check needing elevation is about, and all an approval is bound to: the agent, the
 * session, the canonical capability, the effect and the input's digest. Approvals filed before
 * binding have no capability or digest, so no check matches them.
 */
export interface ElevationKey {
  orgId: string
  agentId: string
  sessionId: string | undefined
  capability: string
  actionEffect: ActionEffect
  inputDigest: string
}

const sameAction = (k: ElevationKey) => sql`org_id = ${k.orgId} and agent_id = ${k.agentId}
  and coalesce(session_id, '') = ${k.sessionId ?? ''} and capability = ${k.capability}
  and action_effect = ${k.actionEffect} and input_digest = ${k.inputDigest}`

/** The approval a retried check may use: approved, unused and still usable, locked. */
export async function lockUsableApproval(db: Db, schema: string, k: ElevationKey, now: Date) {
  const { rows } = await sql<{ approval_id: string }>`select approval_id
    from ${sql.id(schema)}.approvals
    where ${sameAction(k)} and status = 'approved' and consumed_at is null
      and usable_until > ${now}
    order by decided_at limit 1 for update skip locked`.execute(db)
  return rows[0]?.approval_id
}

/** The pending approval for the same action, if there is one (expired or not). */
export async function findPendingApproval(db: Db, schema: string, k: ElevationKey) {
  const { rows } = await sql<{ approval_id: string; expires_at: Date }>`select approval_id,
      expires_at from ${sql.id(schema)}.approvals
    where ${sameAction(k)} and status = 'pending'`.execute(db)
  return rows[0]
}

export interface ApprovalFilter {
  status?: ApprovalStatus | undefined
  agentId?: string | undefined
  /** Newest first: strictly older than this (requestedAt, approvalId). */
  before?: PageCursor | undefined
  limit: number
}

export async function listApprovals(
  db: Db,
  schema: string,
  orgId: string,
  f: ApprovalFilter,
  now: Date,
): Promise<{ items: Approval[]; nextCursor: string | null }> {
  // pending means pending and within its window; expired includes lapsed pending ones
  const status =
    f.status === 'pending'
      ? sql`and status = 'pending' and expires_at > ${now}`
      : f.status === 'expired'
        ? sql`and (status = 'expired' or (status = 'pending' and expires_at <= ${now}))`
        : f.status
          ? sql`and status = ${f.status}`
          : sql``
  const agent = f.agentId ? sql`and agent_id = ${f.agentId}` : sql``
  const before = f.before
    ? sql`and (requested_at, approval_id) < (${f.before.at}::timestamptz, ${f.before.id})`
    : sql``
  const { rows } = await sql<ApprovalRow>`select * from ${sql.id(schema)}.approvals
    where org_id = ${orgId} ${status} ${agent} ${before}
    order by requested_at desc, approval_id desc limit ${f.limit + 1}`.execute(db)
  return pageOf(
    rows.map((r) => toView(r, now)),
    f.limit,
    (a) => ({ at: a.requestedAt, id: a.approvalId }),
  )
}

/** Pending approvals past their window, for the sweeper to record as expired. */
export async function lapsedApprovals(db: Db, schema: string, now: Date, limit: number) {
  const { rows } = await sql<{ approval_id: string }>`select approval_id
    from ${sql.id(schema)}.approvals where status = 'pending' and expires_at <= ${now}
    order by expires_at limit ${limit}`.execute(db)
  return rows.map((r) => r.approval_id)
}
