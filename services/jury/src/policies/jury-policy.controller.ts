import { Controller, Get, Inject, UseGuards } from '@nestjs/common'
import { sql } from 'kysely'
import type { SchemaDb } from '@tessera/event-store'
import {
  ApiKeyGuard,
  Auth,
  type AuthContext,
  DB,
  NotFound,
  Roles,
  SERVICE_SCHEMA,
} from '@tessera/service-kit'

@Controller('v1/jury')
export class JuryPolicyController {
  constructor(
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
  ) {}

  /** The caller's org's jury policy; 404 until jury has provisioned the org. */
  @Get('policy')
  @UseGuards(ApiKeyGuard)
  @Roles('admin', 'member')
  async policy(@Auth() auth: AuthContext) {
    const { rows } = await sql<{ org_id: string; judges: number; trimmed_per_side: number }>`
      select org_id, judges, trimmed_per_side from ${sql.id(this.schema)}.jury_policies
      where org_id = ${auth.orgId}`.execute(this.db)
    const row = rows[0]
    if (!row) throw NotFound('juryPolicy', auth.orgId)
    return { orgId: row.org_id, judges: row.judges, trimmedPerSide: row.trimmed_per_side }
  }
}
