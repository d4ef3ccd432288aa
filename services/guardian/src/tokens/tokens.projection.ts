import { sql } from 'kysely'
import { CapabilityTokenIssued, CapabilityTokenRevoked } from '@tessera/contracts'
import { inlineProjection, onEvent } from '@tessera/service-kit'

/** `capability_tokens`, written from the token's events; introspection reads it by hash. */
export const tokensProjection = inlineProjection({
  name: 'capability-tokens',
  tables: ['capability_tokens'],
  on: {
    CapabilityTokenIssued: onEvent(CapabilityTokenIssued, (tx, s, e) =>
      sql`insert into ${s}.capability_tokens
        (token_hash, token_id, agent_id, org_id, scopes, audience, issued_at, expires_at)
        values (${e.tokenHash}, ${e.tokenId}, ${e.agentId}, ${e.orgId}, ${e.scopes},
          ${e.audience}, ${e.issuedAt}, ${e.expiresAt})`.execute(tx),
    ),
    CapabilityTokenRevoked: onEvent(CapabilityTokenRevoked, (tx, s, e) =>
      sql`update ${s}.capability_tokens set revoked_at = ${e.revokedAt}
        where token_id = ${e.tokenId}`.execute(tx),
    ),
  },
})
