import { sql } from 'kysely'
import { DelegationCreated, DelegationRevoked } from '@tessera/contracts'
import type { InlineProjection } from '@tessera/service-kit'

/** `delegations`, written from the delegation's events: a cascade is one event per child. */
export const delegationsProjection: InlineProjection = {
  name: 'delegations',
  tables: ['delegations'],
  handles: ['DelegationCreated', 'DelegationRevoked'],
  async evolve(tx, schema, event) {
    const s = sql.id(schema)
    switch (event.type) {
      case 'DelegationCreated': {
        const e = DelegationCreated.parse(event.data)
        await sql`insert into ${s}.delegations
          (delegation_id, org_id, from_agent_id, to_agent_id, scope, parent_delegation_id,
           root_delegation_id, depth, created_at, expires_at)
          values (${e.delegationId}, ${e.orgId}, ${e.fromAgentId}, ${e.toAgentId}, ${e.scope},
            ${e.parentDelegationId ?? null}, ${e.rootDelegationId}, ${e.depth}, ${e.createdAt},
            ${e.expiresAt})`.execute(tx)
        return
      }
      case 'DelegationRevoked': {
        const e = DelegationRevoked.parse(event.data)
        await sql`update ${s}.delegations set revoked_at = ${e.revokedAt},
          revoke_reason = ${e.reason}, revoke_note = ${e.note ?? null},
          cascaded_from = ${e.cascadedFrom ?? null}
          where delegation_id = ${e.delegationId} and org_id = ${e.orgId}`.execute(tx)
        return
      }
    }
  },
}
