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
  AppealDisputeBody,
  type Dispute,
  type DisputeRecord,
  type JudgeRecord,
  ListDisputesFilter,
  type Page,
  RespondDisputeBody,
} from '@tessera/contracts'
import {
  ApiKeyGuard,
  Auth,
  type AuthContext,
  Roles,
  pageQuery,
  parseInput,
} from '@tessera/service-kit'
import { DisputesService } from './disputes.service.ts'

const ListQuery = pageQuery().extend(ListDisputesFilter.shape)

/** Disputes: opened by escrow, answered and appealed by the parties, decided by a panel. */
@Controller('v1/disputes')
@UseGuards(ApiKeyGuard)
export class DisputesController {
  constructor(@Inject(DisputesService) private readonly disputes: DisputesService) {}

  /** The party that did not dispute answers, inside the response window. */
  @Post(':disputeId/respond')
  @Roles('admin', 'member')
  @HttpCode(200)
  respond(
    @Auth() auth: AuthContext,
    @Param('disputeId') disputeId: string,
    @Body() body: unknown,
  ): Promise<Dispute> {
    return this.disputes.respond(auth, disputeId, parseInput(RespondDisputeBody, body))
  }

  /** Either party, once, inside the appeal window, for the appeal fee. */
  @Post(':disputeId/appeal')
  @Roles('admin', 'member')
  @HttpCode(200)
  appeal(
    @Auth() auth: AuthContext,
    @Param('disputeId') disputeId: string,
    @Body() body: unknown,
  ): Promise<Dispute> {
    return this.disputes.appeal(auth, disputeId, parseInput(AppealDisputeBody, body))
  }

  @Get(':disputeId/record')
  @Roles('admin', 'member')
  record(@Auth() auth: AuthContext, @Param('disputeId') disputeId: string): Promise<DisputeRecord> {
    return this.disputes.record(auth, disputeId)
  }

  @Get(':disputeId')
  @Roles('admin', 'member')
  get(@Auth() auth: AuthContext, @Param('disputeId') disputeId: string): Promise<Dispute> {
    return this.disputes.get(auth, disputeId)
  }

  /** The org's disputes as buyer or seller, newest first; `?status`. */
  @Get()
  @Roles('admin', 'member')
  list(@Auth() auth: AuthContext, @Query() query: unknown): Promise<Page<Dispute>> {
    return this.disputes.list(auth, parseInput(ListQuery, query))
  }
}

/** How each judge voted on the org's disputes: for operators tuning the panel. */
@Controller('v1/jury/judges')
@UseGuards(ApiKeyGuard)
export class JudgesController {
  constructor(@Inject(DisputesService) private readonly disputes: DisputesService) {}

  @Get()
  @Roles('admin')
  list(@Auth() auth: AuthContext): Promise<{ judges: JudgeRecord[] }> {
    return this.disputes.judges(auth).then((judges) => ({ judges }))
  }
}
