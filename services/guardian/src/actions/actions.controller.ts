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
import { ActionEffect, CheckDecision } from '@tessera/contracts'
import type { SchemaDb } from '@tessera/event-store'
import {
  Auth,
  type AuthContext,
  DB,
  NotFound,
  Roles,
  SERVICE_SCHEMA,
  QueryTime,
  pageQuery,
  parseInput,
} from '@tessera/service-kit'
import { CHECK_LIMITS } from '../domain/action/check.ts'
import { ActionsService } from './actions.service.ts'
import { CachedApiKeyGuard } from '../guard-cache/cached-api-key.guard.ts'
import { findCheck, listChecks } from './checks.repository.ts'

const { actionChars, toolNameChars } = CHECK_LIMITS
const MAX_PARAMS_BYTES = CHECK_LIMITS.paramsJsonChars

const CheckBody = z.object({
  agentId: z.string().min(1).max(100),
  action: z.string().trim().min(1).max(actionChars).default('tool_call'),
  toolName: z.string().trim().min(1).max(toolNameChars),
  /** Whole here: an approval is bound to its digest; the service keeps the first 200. */
  toolInputSummary: z.string().max(100_000).optional(),
  sessionId: z.string().min(1).max(100).optional(),
  actionEffect: ActionEffect.optional(),
  /** For org rules only (`/params/amount`); never stored. */
  params: z
    .record(z.string(), z.unknown())
    .refine((p) => JSON.stringify(p).length <= MAX_PARAMS_BYTES, {
      message: `must be at most ${MAX_PARAMS_BYTES} bytes of JSON`,
    })
    .optional(),
})

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
@UseGuards(CachedApiKeyGuard)
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
    return this.actions.check(auth, parseInput(CheckBody, body))
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
