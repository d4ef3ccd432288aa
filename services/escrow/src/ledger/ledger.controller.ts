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
  type AccountBalance,
  type AccountList,
  CreditAccountBody,
  type CreditResult,
  type Statement,
} from '@tessera/contracts'
import { ApiKeyGuard, Auth, type AuthContext, Roles, parseInput } from '@tessera/service-kit'
import { LedgerService } from './ledger.service.ts'

/** `?limit&cursor` of a statement: the cursor is the last line's ledger position. */
const StatementQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z
    .string()
    .max(100)
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return 0n
      const m = /^seq:(\d{1,18})$/.exec(Buffer.from(text, 'base64url').toString())
      if (!/^[A-Za-z0-9_-]+$/.test(text) || !m) {
        ctx.addIssue({ code: 'custom', message: 'is not a cursor this API handed out' })
        return 0n
      }
      return BigInt(m[1]!)
    }),
})

/** The org's ledger accounts: balances, statements, and the internal rail's admin credit. */
@Controller('v1/accounts')
@UseGuards(ApiKeyGuard)
export class LedgerController {
  constructor(@Inject(LedgerService) private readonly ledger: LedgerService) {}

  /** The caller's org's accounts: its operating account and its agents' wallets. */
  @Get()
  @Roles('admin', 'member')
  async list(@Auth() auth: AuthContext): Promise<AccountList> {
    return { accounts: await this.ledger.list(auth) }
  }

  @Get(':accountId')
  @Roles('admin', 'member')
  get(@Auth() auth: AuthContext, @Param('accountId') accountId: string): Promise<AccountBalance> {
    return this.ledger.get(auth, accountId)
  }

  /** Each line is one transfer and names the event that caused it. */
  @Get(':accountId/statement')
  @Roles('admin', 'member')
  statement(
    @Auth() auth: AuthContext,
    @Param('accountId') accountId: string,
    @Query() query: unknown,
  ): Promise<Statement> {
    const { limit, cursor } = parseInput(StatementQuery, query)
    return this.ledger.statement(auth, accountId, { limit, afterSeq: cursor })
  }

  /** Money in through the internal rail, for demos and tests: admin only. */
  @Post(':accountId/credits')
  @Roles('admin')
  @HttpCode(201)
  credit(
    @Auth() auth: AuthContext,
    @Param('accountId') accountId: string,
    @Body() body: unknown,
  ): Promise<CreditResult> {
    return this.ledger.credit(auth, accountId, parseInput(CreditAccountBody, body))
  }
}
