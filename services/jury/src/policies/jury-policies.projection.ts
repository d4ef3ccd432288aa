import { sql } from 'kysely'
import { JuryPolicySet } from '@tessera/contracts'
import { inlineProjection, onEvent } from '@tessera/service-kit'

/**
 * Each org's current jury policy, for `GET /v1/jury/policy` and for seating juries: an inline
 * projection of jury's own log.
 */
export const juryPoliciesProjection = inlineProjection({
  name: 'jury-policies',
  tables: ['jury_policies'],
  on: {
    // the event's time, not now(): a rebuild must give the same rows as the live projection
    JuryPolicySet: onEvent(JuryPolicySet, (tx, s, d, e) =>
      sql`insert into ${s}.jury_policies (org_id, judges, trimmed_per_side, updated_at)
        values (${d.orgId}, ${d.judges}, ${d.trimmedPerSide}, ${e.metadata.occurredAt})
        on conflict (org_id) do update set judges = excluded.judges,
          trimmed_per_side = excluded.trimmed_per_side, updated_at = excluded.updated_at`.execute(
        tx,
      ),
    ),
  },
})
