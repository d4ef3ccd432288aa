import { sql } from 'kysely'
import { AgentRegistered, AgentRevoked } from '@tessera/contracts'
import type { InlineProjection } from '@tessera/service-kit'

/**
 * `agents`, written from the agent's events. A handle another agent holds fails the insert,
 * which rolls the registration's events back with it, so the service can draw again.
 */
export const agentsProjection: InlineProjection = {
  name: 'agents',
  tables: ['agents'],
  handles: ['AgentRegistered', 'AgentRevoked'],
  async evolve(tx, schema, event) {
    const s = sql.id(schema)
    switch (event.type) {
      case 'AgentRegistered': {
        const e = AgentRegistered.parse(event.data)
        await sql`insert into ${s}.agents
            (agent_id, org_id, name, framework, capabilities, metadata, public_key, did, handle,
             status, created_at)
          values (${e.agentId}, ${e.orgId}, ${e.name}, ${e.framework},
            ${JSON.stringify(e.capabilities)}::jsonb, ${JSON.stringify(e.metadata ?? {})}::jsonb,
            ${e.publicKey ?? null}, ${e.did ?? null}, ${e.handle}, 'active',
            ${e.registeredAt})`.execute(tx)
        return
      }
      case 'AgentRevoked': {
        const e = AgentRevoked.parse(event.data)
        await sql`update ${s}.agents
          set status = 'revoked', revoked_at = ${e.revokedAt}, revoked_reason = ${e.reason}
          where agent_id = ${e.agentId} and org_id = ${e.orgId}`.execute(tx)
        return
      }
    }
  },
}
