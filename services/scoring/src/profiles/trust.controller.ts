import { Controller, Get, Inject, Param } from '@nestjs/common'
import { sql } from 'kysely'
import { z } from 'zod'
import { DB, NoApiKey, NotFound, SERVICE_SCHEMA, parseInput } from '@tessera/service-kit'
import { OrgId } from '@tessera/contracts'
import type { SchemaDb } from '@tessera/event-store'

/** Public by design: any counterparty may ask how far to trust a subject, and why. */
@Controller('api/v1/trust')
@NoApiKey('public by design: anyone may ask how far to trust an org')
export class TrustController {
  constructor(
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
  ) {}

  @Get('orgs/:orgId')
  async org(@Param('orgId') orgId: string) {
    const id = parseInput(z.object({ orgId: OrgId }), { orgId }).orgId
    const { rows } = await sql<{
      subject_id: string
      score: number
      model_version: string
      reasons: unknown
      updated_at: Date
    }>`
      select subject_id, score, model_version, reasons, updated_at
      from ${sql.id(this.schema)}.trust_profiles
      where subject_kind = 'org' and subject_id = ${id}`.execute(this.db)
    const row = rows[0]
    if (!row) throw NotFound('org', id)
    return {
      subjectKind: 'org',
      subjectId: row.subject_id,
      score: row.score,
      modelVersion: row.model_version,
      reasons: row.reasons,
      updatedAt: row.updated_at.toISOString(),
    }
  }
}
