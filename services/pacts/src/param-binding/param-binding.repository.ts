import { sql } from 'kysely'
import { activePactBindings } from '@tessera/conditions'
import type { SchemaDb, SchemaTx } from '@tessera/event-store'
import type { ActivePactBindings } from '../domain/param-binding/param-binding.ts'

type Db = SchemaDb | SchemaTx

/** The active pact, its bindings compiled; null when pacts holds no active pact of that id. */
export async function loadActivePact(
  db: Db,
  schema: string,
  pactId: string,
): Promise<ActivePactBindings | null> {
  const { rows } = await sql<{
    buyer_agent_id: string
    buyer_org_id: string
    seller_agent_id: string
    seller_org_id: string
    conditions: unknown[]
  }>`select buyer_agent_id, buyer_org_id, seller_agent_id, seller_org_id, conditions
    from ${sql.id(schema)}.pact_bindings where pact_id = ${pactId}`.execute(db)
  const r = rows[0]
  if (!r) return null
  return activePactBindings({
    pactId,
    buyer: { agentId: r.buyer_agent_id, orgId: r.buyer_org_id },
    seller: { agentId: r.seller_agent_id, orgId: r.seller_org_id },
    conditions: r.conditions,
  })
}

/** `agentId sessionId` → the pact its session_start named, for the sessions asked about. */
export async function sessionPacts(
  db: Db,
  schema: string,
  sessions: readonly { agentId: string; sessionId: string }[],
): Promise<Map<string, string>> {
  if (sessions.length === 0) return new Map()
  const { rows } = await sql<{ agent_id: string; session_id: string; pact_id: string }>`
    select s.agent_id, s.session_id, s.pact_id from ${sql.id(schema)}.pact_sessions s
    join unnest(${sessions.map((x) => x.agentId)}::text[], ${sessions.map((x) => x.sessionId)}::text[])
      as q(agent_id, session_id) using (agent_id, session_id)`.execute(db)
  return new Map(rows.map((r) => [sessionKey(r.agent_id, r.session_id), r.pact_id]))
}

export function sessionKey(agentId: string, sessionId: string): string {
  return `${agentId} ${sessionId}`
}

/** Remembers the pact a session runs under; the first session_start of a session wins. */
export async function recordSessionPact(
  tx: SchemaTx,
  schema: string,
  s: { agentId: string; sessionId: string; pactId: string },
): Promise<void> {
  await sql`insert into ${sql.id(schema)}.pact_sessions (agent_id, session_id, pact_id)
    values (${s.agentId}, ${s.sessionId}, ${s.pactId}) on conflict do nothing`.execute(tx)
}

/** Which of these telemetry events already have their violations recorded. */
export async function recordedEvents(
  tx: SchemaTx,
  schema: string,
  eventIds: readonly string[],
): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set()
  const { rows } = await sql<{ telemetry_event_id: string }>`
    select distinct telemetry_event_id from ${sql.id(schema)}.param_binding_violations
    where telemetry_event_id = any(${eventIds}::text[])`.execute(tx)
  return new Set(rows.map((r) => r.telemetry_event_id))
}
