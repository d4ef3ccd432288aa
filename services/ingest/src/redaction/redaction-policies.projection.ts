import { Inject, Injectable } from '@nestjs/common'
import { sql } from 'kysely'
import { type AnyEnvelope, RedactionPolicySet } from '@tessera/contracts'
import type { SchemaTx } from '@tessera/event-store'
import { EventConsumer, On, SERVICE_SCHEMA } from '@tessera/service-kit'

/** Each org's current redaction policy, read on every telemetry write and by `GET /v1/telemetry/redaction`. */
@EventConsumer({ name: 'redaction-policies', context: 'telemetry', rebuildable: true })
@Injectable()
export class RedactionPoliciesProjection {
  constructor(@Inject(SERVICE_SCHEMA) private readonly schema: string) {}

  @On('RedactionPolicySet')
  async policySet(tx: SchemaTx, e: AnyEnvelope) {
    const d = RedactionPolicySet.parse(e.data)
    // The event's time, not now(): a rebuild must give the same rows as the live projection.
    await sql`insert into ${sql.id(this.schema)}.redaction_policies (org_id, drop_keys, hash_keys, updated_at)
      values (${d.orgId}, ${d.dropKeys}, ${d.hashKeys}, ${e.metadata.occurredAt})
      on conflict (org_id) do update set drop_keys = excluded.drop_keys,
        hash_keys = excluded.hash_keys, updated_at = excluded.updated_at`.execute(tx)
  }

  async reset(tx: SchemaTx) {
    await sql`delete from ${sql.id(this.schema)}.redaction_policies`.execute(tx)
  }
}
