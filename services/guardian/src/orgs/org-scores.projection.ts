import { Inject, Injectable } from '@nestjs/common'
import { sql } from 'kysely'
import { type AnyEnvelope, ScoreChanged } from '@tessera/contracts'
import { EventConsumer, On, SERVICE_SCHEMA } from '@tessera/service-kit'
import type { SchemaTx } from '@tessera/event-store'

/** Guardian's copy of each org's trust score, for its policies and `GET /v1/orgs/me`. */
@EventConsumer({ name: 'org-scores', context: 'scoring', rebuildable: true })
@Injectable()
export class OrgScoresProjection {
  constructor(@Inject(SERVICE_SCHEMA) private readonly schema: string) {}

  @On('ScoreChanged')
  async scoreChanged(tx: SchemaTx, e: AnyEnvelope) {
    const d = ScoreChanged.parse(e.data)
    if (d.subjectKind !== 'org') return
    await sql`insert into ${sql.id(this.schema)}.org_scores (org_id, score, model_version)
      values (${d.subjectId}, ${d.score}, ${d.modelVersion})
      on conflict (org_id) do update set score = excluded.score,
        model_version = excluded.model_version, updated_at = now()`.execute(tx)
  }

  async reset(tx: SchemaTx) {
    await sql`delete from ${sql.id(this.schema)}.org_scores`.execute(tx)
  }
}
