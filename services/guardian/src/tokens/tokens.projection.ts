import { sql } from 'kysely'
import { CapabilityTokenIssued, CapabilityTokenRevoked } from '@tessera/contracts'
import type { InlineProjection } from '@tessera/service-kit'

/** `capability_tokens`, written from the token's events; introspection reads it by hash. */
export const tokensProjection: InlineProjection = {
  name: 'capability-tokens',
  tables: ['capability_tokens'],
  handles: ['CapabilityTokenIssued', 'CapabilityTokenRevoked'],
  async evolve(tx, schema, event) {
    const s = sql.id(schema)
    switch (event.type) {
      case 'CapabilityTokenIssued': {
        const e = CapabilityTokenIssued.parse(event.data)
        await sql`insert into ${s}.capability_tokens
          (token_hash, token_id, agent_id, org_id, scopes, audience, issued_at, expires_at)
          values (${e.tokenHash}, ${e.tokenId}, ${e.agentId}, ${e.orgId}, ${e.scopes},
            ${e.audience}, ${e.issuedAt}, ${e.expiresAt})`.execute(tx)
        return
      }
      case 'CapabilityTokenRevoked': {
        const e = CapabilityTokenRevoked.parse(event.data)
        await sql`update ${s}.capability_tokens set revoked_at = ${e.revokedAt}
          where token_id = ${e.tokenId}`.execute(tx)
        return
      }
    }
  },
}
