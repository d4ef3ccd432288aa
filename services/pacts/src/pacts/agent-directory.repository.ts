import { sql } from 'kysely'
import type { SchemaDb, SchemaTx } from '@tessera/event-store'
import type { Found, Party } from '../domain/pact/pact.decider.ts'
import { agentRefKey } from '../domain/pact/pact-terms.ts'

type Db = SchemaDb | SchemaTx

interface AgentRow {
  agent_id: string
  org_id: string
  did: string | null
  public_key: string | null
  status: 'active' | 'revoked'
}

const toParty = (r: AgentRow): Party => ({
  agentId: r.agent_id,
  orgId: r.org_id,
  did: r.did ?? undefined,
  publicKey: r.public_key ? new Uint8Array(Buffer.from(r.public_key, 'base64url')) : undefined,
  status: r.status,
})

/**
 * The agent an `AgentRef` names (agent id, `A-` handle or did:key), across every org. Ids and
 * handles are unique; a did:key is not (any org may register an agent with any public key), so
 * an active holder is preferred to revoked ones, and two active holders are `ambiguous`: never
 * pick one of them, or whichever sorted first (another org's) would become the party.
 */
export async function resolveAgent(db: Db, schema: string, ref: string): Promise<Found> {
  const key = agentRefKey(ref)
  const column = { agentId: 'agent_id', handle: 'handle', did: 'did' }[key.by]
  const { rows } = await sql<AgentRow>`select agent_id, org_id, did, public_key, status
    from ${sql.id(schema)}.agent_directory where ${sql.ref(column)} = ${key.value}
    order by (status = 'active') desc, agent_id limit 2`.execute(db)
  const [row, next] = rows
  if (row?.status === 'active' && next?.status === 'active') {
    return { ref, party: null, ambiguous: true }
  }
  return { ref, party: row ? toParty(row) : null }
}

/** Each `AgentRef` resolved; refs that are not strings resolve to nobody. */
export async function resolveAgents<K extends string>(
  db: Db,
  schema: string,
  refs: Record<K, unknown>,
): Promise<Record<K, Found>> {
  const out = {} as Record<K, Found>
  for (const [name, ref] of Object.entries(refs) as [K, unknown][]) {
    out[name] =
      typeof ref === 'string' ? await resolveAgent(db, schema, ref) : { ref: '', party: null }
  }
  return out
}
