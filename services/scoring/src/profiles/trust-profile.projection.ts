import { Inject, Injectable } from '@nestjs/common'
import { sql } from 'kysely'
import { type AnyEnvelope, OrgCreated } from '@tessera/contracts'
import { EventConsumer, On, SERVICE_SCHEMA } from '@tessera/service-kit'
import { ORG_MODEL_VERSION, scoreNewOrg } from '../domain/trust/trust-model.ts'
import type { SchemaTx } from '@tessera/event-store'

/** Trust profiles, folded from the other services' events; rebuilt when the model changes. */
@EventConsumer({ name: 'trust-profiles', context: 'guardian', rebuildable: true })
@Injectable()
export class TrustProfileProjection {
  constructor(@Inject(SERVICE_SCHEMA) private readonly schema: string) {}

  @On('OrgCreated')
  async orgCreated(tx: SchemaTx, e: AnyEnvelope) {
    const org = OrgCreated.parse(e.data)
    const { score, reasons } = scoreNewOrg({ createdAt: org.createdAt })
    await sql`insert into ${sql.id(this.schema)}.trust_profiles
        (subject_kind, subject_id, score, model_version, reasons, updated_at)
      values ('org', ${org.orgId}, ${score}, ${ORG_MODEL_VERSION}, ${JSON.stringify(reasons)}, ${org.createdAt})
      on conflict (subject_kind, subject_id) do update set score = excluded.score,
        model_version = excluded.model_version, reasons = excluded.reasons,
        updated_at = excluded.updated_at`.execute(tx)
  }

  async reset(tx: SchemaTx) {
    await sql`delete from ${sql.id(this.schema)}.trust_profiles`.execute(tx)
  }
}
