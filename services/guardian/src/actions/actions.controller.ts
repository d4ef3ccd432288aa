import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common'
import { z } from 'zod'
import { ActionCheckBody, CheckDecision } from '@tessera/contracts'
import type { SchemaDb } from '@tessera/event-store'
import {
  Auth,
  ApiKeyGuard,
  type AuthContext,
  DB,
  NotFound,
  Roles,
  SERVICE_SCHEMA,
  QueryTime,
  pageQuery,
  parseInput,
} from '@tessera/service-kit'
import { ActionsService } from './actions.service.ts'
import { findCheck, listChecks } from './checks.repository.ts'

const ListQuery = pageQuery(500).extend({
  agentId: z.string().max(100).optional(),
  sessionId: z.string().max(100).optional(),
  decision: CheckDecision.optional(),
  rule: z.string().max(200).optional(),
  from: QueryTime.optional(),
  to: QueryTime.optional(),
})

/** Pre-flight checks, and the decision log every one of them is written to. */
@Controller('v1/actions')
@UseGuards(ApiKeyGuard)
export class ActionsController {
  constructor(
    @Inject(ActionsService) private readonly actions: ActionsService,
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
  ) {}

  /** `{allowed, decision, reason, rule, confidence, checkId, approvalId?}`; a deny is a 200. */
  @Post('check')
  @Roles('admin', 'member')
  @HttpCode(200)
  check(@Auth() auth: AuthContext, @Body() body: unknown) {
    return this.actions.check(auth, parseInput(ActionCheckBody, body))
  }

  /** The decision log, newest first; filter by agent, session, decision, rule or time. */
  @Get('checks')
  @Roles('admin', 'member', 'approver')
  list(@Auth() auth: AuthContext, @Query() query: unknown) {
    const { cursor, ...filter } = parseInput(ListQuery, query)
    return listChecks(this.db, this.schema, auth.orgId, {
      ...filter,
      before: cursor,
    })
  }

  @Get('checks/:checkId')
  @Roles('admin', 'member', 'approver')
  async get(@Auth() auth: AuthContext, @Param('checkId') checkId: string) {
    const record = await findCheck(this.db, this.schema, auth.orgId, checkId)
    if (!record) throw NotFound('check', checkId)
    return record
  }
}
