import { sql } from 'kysely'
import type { SchemaDb } from '@tessera/event-store'
import type { KnownAgent, RedactionRule } from '../domain/intake/intake.types.ts'

export interface Lookup {
  agents: Map<string, KnownAgent>
  policies: Map<string, RedactionRule>
}

interface Row {
  agent_id: string
  org_id: string
  handle: string
  status: 'active' | 'revoked'
  drop_keys: string[] | null
  hash_keys: string[] | null
}

/**
 * The agents named by a batch with their orgs' redaction policies, in one round trip; keyed
 * by Arden handle or by agent id.
 */
export async function lookupAgents(
  db: SchemaDb,
  schema: string,
  by: 'handle' | 'agent_id',
  keys: string[],
): Promise<Lookup> {
  const agents = new Map<string, KnownAgent>()
  const policies = new Map<string, RedactionRule>()
  if (keys.length === 0) return { agents, policies }
  const s = sql.id(schema)
  const { rows } = await sql<Row>`
    select a.agent_id, a.org_id, a.handle, a.status, p.drop_keys, p.hash_keys
    from ${s}.known_agents a left join ${s}.redaction_policies p on p.org_id = a.org_id
    where ${sql.ref(`a.${by}`)} = any(${keys})`.execute(db)
  for (const r of rows) {
    agents.set(by === 'handle' ? r.handle : r.agent_id, {
      agentId: r.agent_id,
      orgId: r.org_id,
      handle: r.handle,
      status: r.status,
    })
    if (r.drop_keys) policies.set(r.org_id, { dropKeys: r.drop_keys, hashKeys: r.hash_keys ?? [] })
  }
  return { agents, policies }
}
