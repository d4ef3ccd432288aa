import { sql } from 'kysely'
import type { ActionChecked, CheckDecision } from '@tessera/contracts'
import type { SchemaDb } from '@tessera/event-store'
import { type PageCursor, pageOf } from '@tessera/service-kit'

export interface CheckRow {
  check_id: string
  org_id: string
  agent_id: string
  session_id: string | null
  action: string
  tool_name: string
  tool_input_summary: string | null
  capability: string
  effect: ActionChecked['effect']
  effect_source: ActionChecked['effectSource']
  confidence: number
  decision: CheckDecision
  reason: string
  rule: string
  approval_id: string | null
  checked_at: Date
}

export function toRecord(r: CheckRow): ActionChecked {
  return {
    checkId: r.check_id,
    orgId: r.org_id,
    agentId: r.agent_id,
    ...(r.session_id === null ? {} : { sessionId: r.session_id }),
    action: r.action,
    toolName: r.tool_name,
    ...(r.tool_input_summary === null ? {} : { toolInputSummary: r.tool_input_summary }),
    capability: r.capability,
    effect: r.effect,
    effectSource: r.effect_source,
    // real → float8 would print 0.8999999761581421; the classifier's figures have 2 digits
    confidence: Math.round(r.confidence * 100) / 100,
    decision: r.decision,
    reason: r.reason,
    rule: r.rule,
    ...(r.approval_id === null ? {} : { approvalId: r.approval_id }),
    checkedAt: r.checked_at.toISOString(),
  }
}

export interface CheckFilter {
  agentId?: string | undefined
  sessionId?: string | undefined
  decision?: CheckDecision | undefined
  rule?: string | undefined
  from?: string | undefined
  to?: string | undefined
  before?: PageCursor | undefined
  limit: number
}

/** One page of the org's decision log, newest first. */
export async function listChecks(db: SchemaDb, schema: string, orgId: string, f: CheckFilter) {
  const where = [
    sql`org_id = ${orgId}`,
    ...(f.agentId ? [sql`agent_id = ${f.agentId}`] : []),
    ...(f.sessionId ? [sql`session_id = ${f.sessionId}`] : []),
    ...(f.decision ? [sql`decision = ${f.decision}`] : []),
    ...(f.rule ? [sql`rule = ${f.rule}`] : []),
    ...(f.from ? [sql`checked_at >= ${f.from}::timestamptz`] : []),
    ...(f.to ? [sql`checked_at < ${f.to}::timestamptz`] : []),
    ...(f.before
      ? [sql`(checked_at, check_id) < (${f.before.at}::timestamptz, ${f.before.id})`]
      : []),
  ]
  const { rows } = await sql<CheckRow>`select * from ${sql.id(schema)}.action_checks
    where ${sql.join(where, sql` and `)}
    order by checked_at desc, check_id desc limit ${f.limit + 1}`.execute(db)
  return pageOf(rows.map(toRecord), f.limit, (c) => ({ at: c.checkedAt, id: c.checkId }))
}

export async function findCheck(db: SchemaDb, schema: string, orgId: string, checkId: string) {
  const { rows } = await sql<CheckRow>`select * from ${sql.id(schema)}.action_checks
    where org_id = ${orgId} and check_id = ${checkId}`.execute(db)
  return rows[0] && toRecord(rows[0])
}

/**
 * The last of the next `groups` transactions after `afterTx` that wrote checks and can no
 * longer change: every transaction below the snapshot's xmin has ended, so no row can still
 * appear below it (the outbox relay reads events the same way). Undefined when there is none.
 */
export async function lastSettledTx(
  db: SchemaDb,
  schema: string,
  afterTx: string,
  groups: number,
): Promise<string | undefined> {
  const { rows } = await sql<{ tx: string | null }>`
    select max(tx)::text as tx from (select distinct tx from ${sql.id(schema)}.action_checks
      where tx > ${afterTx}::xid8 and tx < pg_snapshot_xmin(pg_current_snapshot())
      order by tx limit ${groups}) settled`.execute(db)
  return rows[0]?.tx ?? undefined
}

/**
 * The checks written by transactions in (`afterTx`, `throughTx`], in org and check id order.
 * A range on the tx index (kept apart from {@link lastSettledTx}: as one `tx in (…)` query it
 * was planned as a sequential scan of the whole log while the table had no statistics).
 */
export async function checksBetween(
  db: SchemaDb,
  schema: string,
  afterTx: string,
  throughTx: string,
): Promise<CheckRow[]> {
  const { rows } = await sql<CheckRow>`select * from ${sql.id(schema)}.action_checks
    where tx > ${afterTx}::xid8 and tx <= ${throughTx}::xid8
    order by org_id, check_id`.execute(db)
  return rows
}

/** The first transaction id not yet started: every transaction that committed is below it. */
export async function snapshotXmax(db: SchemaDb): Promise<string> {
  const { rows } = await sql<{ xmax: string }>`
    select pg_snapshot_xmax(pg_current_snapshot())::text as xmax`.execute(db)
  return rows[0]!.xmax
}

/** Whether a check written by a transaction in (`afterTx`, `beforeTx`) exists. */
export async function uncheckpointedBefore(
  db: SchemaDb,
  schema: string,
  afterTx: string,
  beforeTx: string,
): Promise<boolean> {
  const { rows } = await sql<{ found: boolean }>`
    select exists (select 1 from ${sql.id(schema)}.action_checks
      where tx > ${afterTx}::xid8 and tx < ${beforeTx}::xid8) as found`.execute(db)
  return rows[0]!.found
}
