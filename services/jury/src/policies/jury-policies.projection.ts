import { Inject, Injectable } from '@nestjs/common'
import { sql } from 'kysely'
import { type AnyEnvelope, JuryPolicySet } from '@tessera/contracts'
import type { SchemaTx } from '@tessera/event-store'
import { EventConsumer, On, SERVICE_SCHEMA } from '@tessera/service-kit'

/** Each org's current jury policy, for `GET /v1/jury/policy` and for seating juries. */
@EventConsumer({ name: 'jury-policies', context: 'jury', rebuildable: true })
@Injectable()
export class JuryPoliciesProjection {
  constructor(@Inject(SERVICE_SCHEMA) private readonly schema: string) {}

  @On('JuryPolicySet')
  async policySet(tx: SchemaTx, e: AnyEnvelope) {
    const d = JuryPolicySet.parse(e.data)
    // The event's time, not now(): a rebuild must give the same rows as the live projection.
    await sql`insert into ${sql.id(this.schema)}.jury_policies (org_id, judges, trimmed_per_side, updated_at)
      values (${d.orgId}, ${d.judges}, ${d.trimmedPerSide}, ${e.metadata.occurredAt})
      on conflict (org_id) do update set judges = excluded.judges,
        trimmed_per_side = excluded.trimmed_per_side, updated_at = excluded.updated_at`.execute(tx)
  }

  async reset(tx: SchemaTx) {
    await sql`delete from ${sql.id(this.schema)}.jury_policies`.execute(tx)
  }
}
