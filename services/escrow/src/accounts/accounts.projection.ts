import { sql } from 'kysely'
import { AccountOpened } from '@tessera/contracts'
import { inlineProjection, onEvent } from '@tessera/service-kit'
import { WALLET_FLAGS } from '../domain/ledger/ledger.accounts.ts'

/**
 * Which accounts exist: an inline projection of escrow's own log. It also opens the account in
 * the ledger (`ledger_accounts`, the ledger of record, never reset by a rebuild): opening is
 * idempotent, so a replay finds it open and leaves its balances alone.
 */
export const accountsProjection = inlineProjection({
  name: 'accounts',
  tables: ['accounts'],
  on: {
    // the event's time, not now(): a rebuild must give the same rows as the live projection
    AccountOpened: onEvent(AccountOpened, async (tx, s, d, e) => {
      await sql`insert into ${s}.accounts (account_id, org_id, currency, balance, opened_at)
        values (${d.accountId}, ${d.orgId}, ${d.currency}, ${d.balance}::numeric,
          ${e.metadata.occurredAt})
        on conflict (account_id) do nothing`.execute(tx)
      await sql`insert into ${s}.ledger_accounts (account_id, org_id, kind,
          debits_must_not_exceed_credits, credits_must_not_exceed_debits, opened_at)
        values (${d.accountId}, ${d.orgId}, ${d.kind ?? 'org'},
          ${WALLET_FLAGS.debitsMustNotExceedCredits}, ${WALLET_FLAGS.creditsMustNotExceedDebits},
          ${e.metadata.occurredAt})
        on conflict (account_id) do nothing`.execute(tx)
    }),
  },
})
