import { Controller, Get, Inject, UseGuards } from '@nestjs/common'
import { sql } from 'kysely'
import type { SchemaDb } from '@tessera/event-store'
import {
  ApiKeyGuard,
  Auth,
  type AuthContext,
  DB,
  Roles,
  SERVICE_SCHEMA,
} from '@tessera/service-kit'

@Controller('v1/accounts')
export class AccountsController {
  constructor(
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
  ) {}

  /** The caller's org's accounts; balances are µUSDC as decimal strings. Empty until provisioned. */
  @Get()
  @UseGuards(ApiKeyGuard)
  @Roles('admin', 'member')
  async list(@Auth() auth: AuthContext) {
    // numeric comes back from pg as a string, so no balance ever passes through a float.
    const { rows } = await sql<{ account_id: string; currency: string; balance: string }>`
      select account_id, currency, balance::text as balance from ${sql.id(this.schema)}.accounts
      where org_id = ${auth.orgId} order by opened_at, account_id`.execute(this.db)
    return {
      accounts: rows.map((r) => ({
        accountId: r.account_id,
        currency: r.currency,
        balance: r.balance,
      })),
    }
  }
}
