import { Body, Controller, Get, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common'
import {
  CreateEscrowBody,
  DisputeEscrowBody,
  type Escrow,
  type EscrowVerification,
  MutualSettlementBody,
  SubmitCompletionBody,
  VerifyEscrowBody,
} from '@tessera/contracts'
import { ApiKeyGuard, Auth, type AuthContext, Roles, parseInput } from '@tessera/service-kit'
import { EscrowsService } from './escrows.service.ts'

/** The escrow lifecycle (docs/escrow.md). Both parties' orgs see an escrow; others get a 404. */
@Controller('v1/escrows')
@UseGuards(ApiKeyGuard)
export class EscrowsController {
  constructor(@Inject(EscrowsService) private readonly escrows: EscrowsService) {}

  /** The buyer locks the pact's payment against the pact's hash. */
  @Post()
  @Roles('admin', 'member')
  @HttpCode(201)
  create(@Auth() auth: AuthContext, @Body() body: unknown): Promise<Escrow> {
    return this.escrows.create(auth, parseInput(CreateEscrowBody, body))
  }

  @Get(':escrowId')
  @Roles('admin', 'member')
  get(@Auth() auth: AuthContext, @Param('escrowId') escrowId: string): Promise<Escrow> {
    return this.escrows.get(auth, escrowId)
  }

  /** The seller checks the lock before working: 409 when it is not what was agreed. */
  @Post(':escrowId/verify')
  @Roles('admin', 'member')
  @HttpCode(200)
  verify(
    @Auth() auth: AuthContext,
    @Param('escrowId') escrowId: string,
    @Body() body: unknown,
  ): Promise<EscrowVerification> {
    return this.escrows.verify(auth, escrowId, parseInput(VerifyEscrowBody, body))
  }

  /** The seller's signed completion; automated verification releases, disputes or waits. */
  @Post(':escrowId/completion')
  @Roles('admin', 'member')
  @HttpCode(200)
  submitCompletion(
    @Auth() auth: AuthContext,
    @Param('escrowId') escrowId: string,
    @Body() body: unknown,
  ): Promise<Escrow> {
    return this.escrows.submitCompletion(auth, escrowId, parseInput(SubmitCompletionBody, body))
  }

  @Post(':escrowId/disputes')
  @Roles('admin', 'member')
  @HttpCode(201)
  dispute(
    @Auth() auth: AuthContext,
    @Param('escrowId') escrowId: string,
    @Body() body: unknown,
  ): Promise<Escrow> {
    return this.escrows.dispute(auth, escrowId, parseInput(DisputeEscrowBody, body))
  }

  /** Mutual settlement: both parties signed the same split; no jury. */
  @Post(':escrowId/settlement')
  @Roles('admin', 'member')
  @HttpCode(200)
  settle(
    @Auth() auth: AuthContext,
    @Param('escrowId') escrowId: string,
    @Body() body: unknown,
  ): Promise<Escrow> {
    return this.escrows.settle(auth, escrowId, parseInput(MutualSettlementBody, body))
  }
}
