import { sql } from 'kysely'
import { AgentRegistered, AgentRevoked } from '@tessera/contracts'
import { inlineProjection, onEvent } from '@tessera/service-kit'

/**
 * `agents`, written from the agent's events. A handle another agent holds fails the insert,
 * which rolls the registration's events back with it, so the service can draw again.
 */
export const agentsProjection = inlineProjection({
  name: 'agents',
  tables: ['agents'],
  on: {
    AgentRegistered: onEvent(AgentRegistered, (tx, s, e) =>
      sql`insert into ${s}.agents
          (agent_id, org_id, name, framework, capabilities, metadata, public_key, did, handle,
           status, created_at)
        values (${e.agentId}, ${e.orgId}, ${e.name}, ${e.framework},
          ${JSON.stringify(e.capabilities)}::jsonb, ${JSON.stringify(e.metadata ?? {})}::jsonb,
          ${e.publicKey ?? null}, ${e.did ?? null}, ${e.handle}, 'active',
          ${e.registeredAt})`.execute(tx),
    ),
    AgentRevoked: onEvent(AgentRevoked, (tx, s, e) =>
      sql`update ${s}.agents
        set status = 'revoked', revoked_at = ${e.revokedAt}, revoked_reason = ${e.reason}
        where agent_id = ${e.agentId} and org_id = ${e.orgId}`.execute(tx),
    ),
  },
})
