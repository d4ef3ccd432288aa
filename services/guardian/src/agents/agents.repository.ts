import type { Agent, Page } from '@tessera/contracts'
import { sql } from 'kysely'
import type { SchemaDb, SchemaTx } from '@tessera/event-store'
import { type PageCursor, pageOf } from '@tessera/service-kit'
import type { AgentStatus } from '../domain/agent/agent.state.ts'

type Db = SchemaDb | SchemaTx

interface AgentRow {
  agent_id: string
  org_id: string
  name: string
  framework: string
  capabilities: string[]
  metadata: Record<string, unknown>
  public_key: string | null
  did: string | null
  handle: string
  status: AgentStatus
  created_at: Date
  revoked_at: Date | null
  revoked_reason: string | null
}

/** An agent as the API shows it: the contract's `Agent`. */
export type AgentView = Agent

export type AgentPage = Page<AgentView>

const HANDLE_TAKEN = 'agents_handle_key'

/** Whether `err` is Postgres refusing a handle another agent (of any org) already has. */
export function isHandleTaken(err: unknown): boolean {
  return (
    typeof err === 'object' &&
    err !== null &&
    'code' in err &&
    err.code === '23505' &&
    'constraint' in err &&
    err.constraint === HANDLE_TAKEN
  )
}

/** The org's agent, or undefined: another org's agent is as absent as an unknown one. */
export async function findAgent(
  db: Db,
  schema: string,
  orgId: string,
  agentId: string,
): Promise<AgentView | undefined> {
  const { rows } = await sql<AgentRow>`select * from ${sql.id(schema)}.agents
    where org_id = ${orgId} and agent_id = ${agentId}`.execute(db)
  return rows[0] && toView(rows[0])
}

/** One page of the org's agents, newest first. */
export async function listAgents(
  db: Db,
  schema: string,
  orgId: string,
  q: { status?: AgentStatus | undefined; limit: number; after?: PageCursor | undefined },
): Promise<AgentPage> {
  const status = q.status ? sql`and status = ${q.status}` : sql``
  const after = q.after
    ? sql`and (created_at, agent_id) < (${q.after.at}::timestamptz, ${q.after.id})`
    : sql``
  const { rows } = await sql<AgentRow>`select * from ${sql.id(schema)}.agents
    where org_id = ${orgId} ${status} ${after}
    order by created_at desc, agent_id desc
    limit ${q.limit + 1}`.execute(db)
  return pageOf(rows.map(toView), q.limit, (a) => ({ at: a.createdAt, id: a.id }))
}

function toView(r: AgentRow): AgentView {
  return {
    id: r.agent_id,
    orgId: r.org_id,
    name: r.name,
    framework: r.framework,
    capabilities: r.capabilities,
    metadata: r.metadata,
    status: r.status,
    handle: `A-${r.handle}`,
    ...(r.public_key ? { publicKey: r.public_key } : {}),
    ...(r.did ? { did: r.did } : {}),
    createdAt: r.created_at.toISOString(),
    ...(r.revoked_at ? { revokedAt: r.revoked_at.toISOString() } : {}),
    ...(r.revoked_reason ? { revokedReason: r.revoked_reason } : {}),
  }
}
