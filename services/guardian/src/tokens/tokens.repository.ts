import { sql } from 'kysely'
import type { SchemaDb, SchemaTx } from '@tessera/event-store'
import type { TokenHolder } from '../domain/token/token.decider.ts'
import type { TokenRecord } from '../domain/token/introspection.ts'

type Db = SchemaDb | SchemaTx

/**
 * The agent a token would be for, as the decider needs it; null if the org has no such agent.
 * With `share`, the row stays locked against revocation until the transaction ends: an agent
 * revoked beside what is being created then sees it, and ends it.
 */
export async function findHolder(
  db: Db,
  schema: string,
  orgId: string,
  agentId: string,
  { share = false } = {},
): Promise<TokenHolder | null> {
  const { rows } = await sql<{
    agent_id: string
    org_id: string
    status: 'active' | 'revoked'
    capabilities: string[]
  }>`
    select agent_id, org_id, status, capabilities from ${sql.id(schema)}.agents
    where agent_id = ${agentId} and org_id = ${orgId} ${share ? sql`for share` : sql``}`.execute(db)
  const r = rows[0]
  return r
    ? { agentId: r.agent_id, orgId: r.org_id, status: r.status, capabilities: r.capabilities }
    : null
}

/**
 * A token of the org by its hash, with its agent's current status: one indexed read, so a
 * revocation (of the token or its agent) shows on every replica at the next introspection.
 */
export async function findTokenByHash(
  db: Db,
  schema: string,
  orgId: string,
  hash: string,
): Promise<TokenRecord | null> {
  const s = sql.id(schema)
  const { rows } = await sql<{
    token_id: string
    agent_id: string
    scopes: string[]
    audience: string[]
    expires_at: Date
    revoked_at: Date | null
    status: 'active' | 'revoked'
  }>`select t.token_id, t.agent_id, t.scopes, t.audience, t.expires_at, t.revoked_at, a.status
    from ${s}.capability_tokens t join ${s}.agents a using (agent_id)
    where t.token_hash = ${hash} and t.org_id = ${orgId}`.execute(db)
  const r = rows[0]
  if (!r) return null
  return {
    tokenId: r.token_id,
    agentId: r.agent_id,
    scopes: r.scopes,
    audience: r.audience,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    agentStatus: r.status,
  }
}
