import { Inject, Injectable } from '@nestjs/common'
import { sql } from 'kysely'
import { AccountOpened, type AnyEnvelope } from '@tessera/contracts'
import type { SchemaTx } from '@tessera/event-store'
import { EventConsumer, On, SERVICE_SCHEMA } from '@tessera/service-kit'

/** Every account and its balance, for `GET /v1/accounts`. */
@EventConsumer({ name: 'accounts', context: 'escrow', rebuildable: true })
@Injectable()
export class AccountsProjection {
  constructor(@Inject(SERVICE_SCHEMA) private readonly schema: string) {}

  @On('AccountOpened')
  async opened(tx: SchemaTx, e: AnyEnvelope) {
    const d = AccountOpened.parse(e.data)
    // The event's time, not now(): a rebuild must give the same rows as the live projection.
    await sql`insert into ${sql.id(this.schema)}.accounts (account_id, org_id, currency, balance, opened_at)
      values (${d.accountId}, ${d.orgId}, ${d.currency}, ${d.balance}::numeric, ${e.metadata.occurredAt})
      on conflict (account_id) do nothing`.execute(tx)
  }

  async reset(tx: SchemaTx) {
    await sql`delete from ${sql.id(this.schema)}.accounts`.execute(tx)
  }
}
