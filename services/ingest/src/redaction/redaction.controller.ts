import { Controller, Get, Inject, UseGuards } from '@nestjs/common'
import { sql } from 'kysely'
import type { SchemaDb } from '@tessera/event-store'
import {
  ApiKeyGuard,
  Auth,
  type AuthContext,
  DB,
  NotFound,
  SERVICE_SCHEMA,
} from '@tessera/service-kit'

@Controller('v1/telemetry')
export class RedactionController {
  constructor(
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
  ) {}

  /** The caller's org's redaction policy; 404 until ingest has provisioned the org. */
  @Get('redaction')
  @UseGuards(ApiKeyGuard)
  async redaction(@Auth() auth: AuthContext) {
    const { rows } = await sql<{ org_id: string; drop_keys: string[]; hash_keys: string[] }>`
      select org_id, drop_keys, hash_keys from ${sql.id(this.schema)}.redaction_policies
      where org_id = ${auth.orgId}`.execute(this.db)
    const row = rows[0]
    if (!row) throw NotFound('redactionPolicy', auth.orgId)
    return { orgId: row.org_id, dropKeys: row.drop_keys, hashKeys: row.hash_keys }
  }
}
