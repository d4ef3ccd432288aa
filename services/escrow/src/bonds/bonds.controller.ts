import { Body, Controller, Get, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common'
import { type Bond, PostBondBody, type PostBondResult, WithdrawBondBody } from '@tessera/contracts'
import { ApiKeyGuard, Auth, type AuthContext, Roles, parseInput } from '@tessera/service-kit'
import { BondsService } from './bonds.service.ts'

/** Agents' bonds: posted from their wallets by their org, read by their org (docs/bonds.md). */
@Controller('v1/bonds')
@UseGuards(ApiKeyGuard)
export class BondsController {
  constructor(@Inject(BondsService) private readonly bonds: BondsService) {}

  /** Moves funds from the agent's wallet into its bond; the tier follows the total. */
  @Post()
  @Roles('admin', 'member')
  @HttpCode(201)
  post(@Auth() auth: AuthContext, @Body() body: unknown): Promise<PostBondResult> {
    return this.bonds.post(auth, parseInput(PostBondBody, body))
  }

  /** Bond → wallet, when no open escrow, strike or cooldown holds it (docs/bonds.md). */
  @Post(':agentId/withdrawals')
  @Roles('admin')
  @HttpCode(201)
  withdraw(
    @Auth() auth: AuthContext,
    @Param('agentId') agentId: string,
    @Body() body: unknown,
  ): Promise<PostBondResult> {
    return this.bonds.withdraw(auth, { agentId, ...parseInput(WithdrawBondBody, body) })
  }

  @Get(':agentId')
  @Roles('admin', 'member')
  get(@Auth() auth: AuthContext, @Param('agentId') agentId: string): Promise<Bond> {
    return this.bonds.get(auth, agentId)
  }
}
