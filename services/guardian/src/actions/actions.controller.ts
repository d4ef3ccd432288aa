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
  SERVICE_SCHEMA,
  pageQuery,
  parseInput,
} from '@tessera/service-kit'
import { CHECK_LIMITS } from '../domain/action/check.ts'
import { ActionsService } from './actions.service.ts'
import { CachedApiKeyGuard } from './cached-api-key.guard.ts'
import { findCheck, listChecks } from './checks.repository.ts'

const { actionChars, toolNameChars, summaryCodePoints: MAX_SUMMARY_CHARS } = CHECK_LIMITS
const MAX_PARAMS_BYTES = CHECK_LIMITS.paramsJsonChars

const CheckBody = z.object({
  agentId: z.string().min(1).max(100),
  action: z.string().trim().min(1).max(actionChars).default('tool_call'),
  toolName: z.string().trim().min(1).max(toolNameChars),
  toolInputSummary: z
    .string()
    .max(100_000)
    .transform((s) => Array.from(s).slice(0, MAX_SUMMARY_CHARS).join(''))
    .optional(),
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
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
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
  @HttpCode(200)
  check(@Auth() auth: AuthContext, @Body() body: unknown) {
    return this.actions.check(auth, parseInput(CheckBody, body))
  }

  /** The decision log, newest first; filter by agent, session, decision, rule or time. */
  @Get('checks')
  list(@Auth() auth: AuthContext, @Query() query: unknown) {
    const { cursor, ...filter } = parseInput(ListQuery, query)
    return listChecks(this.db, this.schema, auth.orgId, {
      ...filter,
      before: cursor,
    })
  }

  @Get('checks/:checkId')
  async get(@Auth() auth: AuthContext, @Param('checkId') checkId: string) {
    const record = await findCheck(this.db, this.schema, auth.orgId, checkId)
    if (!record) throw NotFound('check', checkId)
    return record
  }
}
