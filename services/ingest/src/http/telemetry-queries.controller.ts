import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common'
import { z } from 'zod'
import { type TelemetryPage, TelemetryRecord } from '@tessera/contracts'
import type { SchemaDb } from '@tessera/event-store'
import {
  ApiKeyGuard,
  Auth,
  type AuthContext,
  DB,
  NotFound,
  QueryTime,
  Roles,
  SERVICE_SCHEMA,
  parseInput,
} from '@tessera/service-kit'
import { agentTelemetry, agentInOrg, sessionTelemetry } from './telemetry-queries.ts'

const Page = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(500).optional(),
})
const AgentQuery = Page.extend({
  from: QueryTime.optional(),
  to: QueryTime.optional(),
  type: TelemetryRecord.shape.type.optional(),
})

/** Reads of the telemetry log, org-scoped and paginated with opaque cursors. */
@Controller('v1')
@UseGuards(ApiKeyGuard)
@Roles('admin', 'member', 'approver')
export class TelemetryQueriesController {
  constructor(
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
  ) {}

  /** A session's events in the order they were accepted. */
  @Get('telemetry/sessions/:sessionId')
  async session(
    @Auth() auth: AuthContext,
    @Param('sessionId') sessionId: string,
    @Query() query: unknown,
  ): Promise<TelemetryPage> {
    const q = parseInput(Page, query)
    const page = await sessionTelemetry(this.db, this.schema, auth.orgId, sessionId, q)
    if (page.items.length === 0 && !q.cursor) throw NotFound('session', sessionId)
    return page
  }

  /** An agent's events by the time they happened, optionally within [from, to) and of one type. */
  @Get('agents/:agentId/telemetry')
  async agent(
    @Auth() auth: AuthContext,
    @Param('agentId') agentId: string,
    @Query() query: unknown,
  ): Promise<TelemetryPage> {
    const q = parseInput(AgentQuery, query)
    if (!(await agentInOrg(this.db, this.schema, auth.orgId, agentId)))
      throw NotFound('agent', agentId)
    return agentTelemetry(this.db, this.schema, auth.orgId, agentId, q)
  }
}
