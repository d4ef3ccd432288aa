import { sql } from 'kysely'
import type { Session, SessionMode } from '@tessera/contracts'
import type { SchemaDb, SchemaTx } from '@tessera/event-store'

type Db = SchemaDb | SchemaTx

/** A session as the API shows it: the contract's `Session`. */
export type SessionView = Session

interface SessionRow {
  session_id: string
  agent_id: string
  server_id: string
  mode: SessionMode
  scope_ceiling: string[]
  status: 'active' | 'closed'
  total_calls: string
  denied_calls: string
  started_at: Date
  closed_at: Date | null
  close_reason: string | null
  delegation_id: string | null
  expires_at: Date | null
}

/** The agent's open sessions: what its revocation must close. */
export async function activeSessionsOf(db: Db, schema: string, agentId: string): Promise<string[]> {
  const { rows } = await sql<{
    session_id: string
  }>`select session_id from ${sql.id(schema)}.sessions
    where agent_id = ${agentId} and status = 'active'`.execute(db)
  return rows.map((r) => r.session_id)
}

/** The open sessions under any of these delegations: what their revocation must close. */
export async function activeSessionsUnder(
  db: Db,
  schema: string,
  delegationIds: readonly string[],
): Promise<string[]> {
  if (delegationIds.length === 0) return []
  const { rows } = await sql<{
    session_id: string
  }>`select session_id from ${sql.id(schema)}.sessions
    where delegation_id = any(${[...delegationIds]}) and status = 'active'
    order by session_id`.execute(db)
  return rows.map((r) => r.session_id)
}

export async function findSession(
  db: Db,
  schema: string,
  orgId: string,
  sessionId: string,
): Promise<SessionView | undefined> {
  const { rows } = await sql<SessionRow>`select * from ${sql.id(schema)}.sessions
    where org_id = ${orgId} and session_id = ${sessionId}`.execute(db)
  const r = rows[0]
  return (
    r && {
      sessionId: r.session_id,
      agentId: r.agent_id,
      serverId: r.server_id,
      mode: r.mode,
      scopeCeiling: r.scope_ceiling,
      status: r.status,
      totalCalls: Number(r.total_calls),
      deniedCalls: Number(r.denied_calls),
      startedAt: r.started_at.toISOString(),
      closedAt: r.closed_at?.toISOString() ?? null,
      closeReason: r.close_reason,
      delegationId: r.delegation_id,
      expiresAt: r.expires_at?.toISOString() ?? null,
    }
  )
}
