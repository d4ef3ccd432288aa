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
import {
  ApiKeyGuard,
  Auth,
  type AuthContext,
  Roles,
  pageQuery,
  parseInput,
} from '@tessera/service-kit'
import { ApprovalsService } from './approvals.service.ts'

const DecideBody = z.object({
  /**
   * A note on who decided (an email, a ticket, a system's name), kept with the decision. The
   * deciding key and its user are recorded whether or not it is given.
   */
  decidedBy: z.string().trim().min(1).max(200).optional(),
  reason: z.string().trim().min(1).max(500).optional(),
})

const ListQuery = pageQuery().extend({
  status: z.enum(['pending', 'approved', 'denied', 'expired']).optional(),
  agentId: z.string().max(100).optional(),
})

/** Elevation approvals: list what waits for a human, and decide it. */
@Controller('v1/approvals')
@UseGuards(ApiKeyGuard)
export class ApprovalsController {
  constructor(@Inject(ApprovalsService) private readonly approvals: ApprovalsService) {}

  /** Newest first; `?status=pending` is what waits for a decision now. */
  @Get()
  @Roles('admin', 'member', 'approver')
  list(@Auth() auth: AuthContext, @Query() query: unknown) {
    const { cursor, ...filter } = parseInput(ListQuery, query)
    return this.approvals.list(auth, { ...filter, before: cursor })
  }

  @Get(':approvalId')
  @Roles('admin', 'member', 'approver')
  get(@Auth() auth: AuthContext, @Param('approvalId') approvalId: string) {
    return this.approvals.get(auth, approvalId)
  }

  @Post(':approvalId/approve')
  @Roles('admin', 'approver')
  @HttpCode(200)
  approve(
    @Auth() auth: AuthContext,
    @Param('approvalId') approvalId: string,
    @Body() body: unknown,
  ) {
    const { decidedBy } = parseInput(DecideBody, body ?? {})
    return this.approvals.approve(auth, approvalId, decidedBy)
  }

  @Post(':approvalId/deny')
  @Roles('admin', 'approver')
  @HttpCode(200)
  deny(@Auth() auth: AuthContext, @Param('approvalId') approvalId: string, @Body() body: unknown) {
    const { decidedBy, reason } = parseInput(DecideBody, body ?? {})
    return this.approvals.deny(auth, approvalId, decidedBy, reason)
  }
}
