import { sql } from 'kysely'
import { RedactionPolicySet } from '@tessera/contracts'
import { inlineProjection, onEvent } from '@tessera/service-kit'

/**
 * Each org's current redaction policy, read on every telemetry write and by
 * `GET /v1/telemetry/redaction`: an inline projection of ingest's own `RedactionPolicySet`
 * events, so a PUT's answer means the policy already applies, and `npm run rebuild -- ingest
 * redaction-policies` replays it from the log.
 */
export const redactionPoliciesProjection = inlineProjection({
  name: 'redaction-policies',
  tables: ['redaction_policies'],
  on: {
    // the event's time, not now(): a rebuild must give the same rows as the live projection
    RedactionPolicySet: onEvent(RedactionPolicySet, (tx, s, d, e) =>
      sql`insert into ${s}.redaction_policies (org_id, drop_keys, hash_keys, updated_at)
        values (${d.orgId}, ${d.dropKeys}, ${d.hashKeys}, ${e.metadata.occurredAt})
        on conflict (org_id) do update set drop_keys = excluded.drop_keys,
          hash_keys = excluded.hash_keys, updated_at = excluded.updated_at`.execute(tx),
    ),
  },
})
