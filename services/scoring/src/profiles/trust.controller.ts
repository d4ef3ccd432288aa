import { Controller, Get, Inject, Param } from '@nestjs/common'
import { sql } from 'kysely'
import { z } from 'zod'
import { DB, NoApiKey, NotFound, SERVICE_SCHEMA, parseInput } from '@tessera/service-kit'
import { OrgId, type OrgTrustProfile } from '@tessera/contracts'
import type { SchemaDb } from '@tessera/event-store'

/** At most this many of an org's flagged agents are listed (all are counted). */
const REVIEW_IDS = 100

/** Public by design: any counterparty may ask how far to trust a subject, and why. */
@Controller('api/v1/trust')
@NoApiKey('public by design: anyone may ask how far to trust an org')
export class TrustController {
  constructor(
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
  ) {}

  @Get('orgs/:orgId')
  async org(@Param('orgId') orgId: string): Promise<OrgTrustProfile> {
    const id = parseInput(z.object({ orgId: OrgId }), { orgId }).orgId
    const { rows } = await sql<{
      subject_id: string
      score: number
      model_version: string
      reasons: OrgTrustProfile['reasons']
      updated_at: Date
    }>`
      select subject_id, score, model_version, reasons, updated_at
      from ${sql.id(this.schema)}.trust_profiles
      where subject_kind = 'org' and subject_id = ${id}`.execute(this.db)
    const row = rows[0]
    if (!row) throw NotFound('org', id)
    // Under review while any of its agents has flagged trades (the reference's "organization
    // flagged for review"): read from the agent profiles, so it clears when a rebuild or a model
    // change clears the flags. The ids listed are bounded; the count is not.
    // One scan: the window count is taken before the limit.
    const flagged = await sql<{ agent_id: string; n: number }>`
      select agent_id, count(*) over ()::int as n from ${sql.id(this.schema)}.agent_profiles
      where org_id = ${id} and cardinality(flagged_counterparties) > 0
      order by agent_id limit ${REVIEW_IDS}`.execute(this.db)
    const n = flagged.rows[0]?.n ?? 0
    return {
      subjectKind: 'org',
      subjectId: row.subject_id,
      score: row.score,
      modelVersion: row.model_version,
      reasons: row.reasons,
      updatedAt: row.updated_at.toISOString(),
      underReview: n > 0,
      flaggedAgentCount: n,
      flaggedAgentIds: flagged.rows.map((r) => r.agent_id),
    }
  }
}
