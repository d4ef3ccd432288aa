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
import {
  type Approval,
  DecideApprovalBody,
  ListApprovalsFilter,
  type Page,
} from '@tessera/contracts'
import {
  ApiKeyGuard,
  Auth,
  type AuthContext,
  Roles,
  pageQuery,
  parseInput,
} from '@tessera/service-kit'
import { ApprovalsService } from './approvals.service.ts'

const ListQuery = pageQuery().extend(ListApprovalsFilter.shape)

/** Elevation approvals: list what waits for a human, and decide it. */
@Controller('v1/approvals')
@UseGuards(ApiKeyGuard)
export class ApprovalsController {
  constructor(@Inject(ApprovalsService) private readonly approvals: ApprovalsService) {}

  /** Newest first; `?status=pending` is what waits for a decision now. */
  @Get()
  @Roles('admin', 'member', 'approver')
  list(@Auth() auth: AuthContext, @Query() query: unknown): Promise<Page<Approval>> {
    const { cursor, ...filter } = parseInput(ListQuery, query)
    return this.approvals.list(auth, { ...filter, before: cursor })
  }

  @Get(':approvalId')
  @Roles('admin', 'member', 'approver')
  get(@Auth() auth: AuthContext, @Param('approvalId') approvalId: string): Promise<Approval> {
    return this.approvals.get(auth, approvalId)
  }

  @Post(':approvalId/approve')
  @Roles('admin', 'approver')
  @HttpCode(200)
  approve(
    @Auth() auth: AuthContext,
    @Param('approvalId') approvalId: string,
    @Body() body: unknown,
  ): Promise<Approval> {
    const { decidedBy } = parseInput(DecideApprovalBody, body ?? {})
    return this.approvals.approve(auth, approvalId, decidedBy)
  }

  @Post(':approvalId/deny')
  @Roles('admin', 'approver')
  @HttpCode(200)
  deny(
    @Auth() auth: AuthContext,
    @Param('approvalId') approvalId: string,
    @Body() body: unknown,
  ): Promise<Approval> {
    const { decidedBy, reason } = parseInput(DecideApprovalBody, body ?? {})
    return this.approvals.deny(auth, approvalId, decidedBy, reason)
  }
}
