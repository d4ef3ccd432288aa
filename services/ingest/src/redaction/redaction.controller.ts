import { Body, Controller, Get, Inject, Put, UseGuards } from '@nestjs/common'
import { z } from 'zod'
import { sql } from 'kysely'
import type { SchemaDb } from '@tessera/event-store'
import {
  ApiKeyGuard,
  Auth,
  type AuthContext,
  DB,
  EVENT_LOG,
  type EventLog,
  NotFound,
  Roles,
  SERVICE_SCHEMA,
  apiKeyActor,
  parseInput,
} from '@tessera/service-kit'
import {
  decide,
  redactionDecider,
  redactionStreamId,
} from '../domain/redaction/redaction.decider.ts'
import { initialState } from '../domain/redaction/redaction.state.ts'

const PolicyBody = z.object({
  dropKeys: z.array(z.string().min(1).max(200)).max(100).default([]),
  hashKeys: z.array(z.string().min(1).max(200)).max(100).default([]),
})

@Controller('v1/telemetry')
export class RedactionController {
  constructor(
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
    @Inject(EVENT_LOG) private readonly log: EventLog,
  ) {}

  /**
   * Replaces the org's policy: top-level `params` keys of tool calls (and keys of Arden `data`)
   * to drop, or to replace by `sha256:<hex>`, before anything is stored. The read model is an
   * inline projection, written in the append's transaction: telemetry accepted after this
   * answer is redacted by the new policy.
   */
  @Put('redaction')
  @UseGuards(ApiKeyGuard)
  @Roles('admin')
  async setRedaction(@Auth() auth: AuthContext, @Body() body: unknown) {
    const { dropKeys, hashKeys } = parseInput(PolicyBody, body)
    const command = { type: 'SetPolicy' as const, orgId: auth.orgId, dropKeys, hashKeys }
    await this.log.handle(
      redactionStreamId(auth.orgId),
      redactionDecider,
      command,
      apiKeyActor(auth),
    )
    const policy = decide(command, initialState())[0]!.data
    return { orgId: auth.orgId, dropKeys: policy.dropKeys, hashKeys: policy.hashKeys }
  }

  /** The caller's org's redaction policy; 404 until ingest has provisioned the org. */
  @Get('redaction')
  @UseGuards(ApiKeyGuard)
  @Roles('admin', 'member', 'approver')
  async redaction(@Auth() auth: AuthContext) {
    const { rows } = await sql<{ org_id: string; drop_keys: string[]; hash_keys: string[] }>`
      select org_id, drop_keys, hash_keys from ${sql.id(this.schema)}.redaction_policies
      where org_id = ${auth.orgId}`.execute(this.db)
    const row = rows[0]
    if (!row) throw NotFound('redactionPolicy', auth.orgId)
    return { orgId: row.org_id, dropKeys: row.drop_keys, hashKeys: row.hash_keys }
  }
}
