import { sql } from 'kysely'
import { AccountOpened } from '@tessera/contracts'
import { inlineProjection, onEvent } from '@tessera/service-kit'

/** Every account and its balance, for `GET /v1/accounts`: an inline projection of escrow's own log. */
export const accountsProjection = inlineProjection({
  name: 'accounts',
  tables: ['accounts'],
  on: {
    // the event's time, not now(): a rebuild must give the same rows as the live projection
    AccountOpened: onEvent(AccountOpened, (tx, s, d, e) =>
      sql`insert into ${s}.accounts (account_id, org_id, currency, balance, opened_at)
        values (${d.accountId}, ${d.orgId}, ${d.currency}, ${d.balance}::numeric,
          ${e.metadata.occurredAt})
        on conflict (account_id) do nothing`.execute(tx),
    ),
  },
})
