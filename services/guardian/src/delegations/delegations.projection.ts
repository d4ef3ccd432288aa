import { sql } from 'kysely'
import { DelegationCreated, DelegationRevoked } from '@tessera/contracts'
import { inlineProjection, onEvent } from '@tessera/service-kit'

/** `delegations`, written from the delegation's events: a cascade is one event per child. */
export const delegationsProjection = inlineProjection({
  name: 'delegations',
  tables: ['delegations'],
  on: {
    DelegationCreated: onEvent(DelegationCreated, (tx, s, e) =>
      sql`insert into ${s}.delegations
        (delegation_id, org_id, from_agent_id, to_agent_id, scope, parent_delegation_id,
         root_delegation_id, depth, created_at, expires_at)
        values (${e.delegationId}, ${e.orgId}, ${e.fromAgentId}, ${e.toAgentId}, ${e.scope},
          ${e.parentDelegationId ?? null}, ${e.rootDelegationId}, ${e.depth}, ${e.createdAt},
          ${e.expiresAt})`.execute(tx),
    ),
    DelegationRevoked: onEvent(DelegationRevoked, (tx, s, e) =>
      sql`update ${s}.delegations set revoked_at = ${e.revokedAt},
        revoke_reason = ${e.reason}, revoke_note = ${e.note ?? null},
        cascaded_from = ${e.cascadedFrom ?? null}
        where delegation_id = ${e.delegationId} and org_id = ${e.orgId}`.execute(tx),
    ),
  },
})
