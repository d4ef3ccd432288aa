import { sql } from 'kysely'
import { GuardPolicySet } from '@tessera/contracts'
import { inlineProjection, onEvent } from '@tessera/service-kit'

/** `guard_policies`: each org's current policy (its events hold every version). */
export const policiesProjection = inlineProjection({
  name: 'guard-policies',
  tables: ['guard_policies'],
  on: {
    GuardPolicySet: onEvent(GuardPolicySet, (tx, s, e) =>
      sql`insert into ${s}.guard_policies
          (org_id, version, timezone, approval_window_seconds, rules, updated_at)
        values (${e.orgId}, ${e.version}, ${e.timezone}, ${e.approvalWindowSeconds},
          ${JSON.stringify(e.rules)}::jsonb, ${e.setAt})
        on conflict (org_id) do update set version = excluded.version,
          timezone = excluded.timezone, approval_window_seconds = excluded.approval_window_seconds,
          rules = excluded.rules, updated_at = excluded.updated_at`.execute(tx),
    ),
  },
})
