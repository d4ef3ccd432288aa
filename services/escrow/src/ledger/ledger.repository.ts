import { sql } from 'kysely'
import type { AccountBalance, StatementLine } from '@tessera/contracts'
import type { SchemaDb, SchemaTx } from '@tessera/event-store'

type Db = SchemaDb | SchemaTx

interface BalanceRow {
  account_id: string
  kind: 'agent' | 'org' | 'bond'
  debits_pending: string
  debits_posted: string
  credits_pending: string
  credits_posted: string
}

const ACCOUNT_COLUMNS = sql.raw(`account_id, kind, debits_pending::text, debits_posted::text,
  credits_pending::text, credits_posted::text`)

/** The org's accounts (operating account first, then its agents' wallets). */
export async function listAccounts(db: Db, schema: string, orgId: string) {
  const { rows } = await sql<BalanceRow>`select ${ACCOUNT_COLUMNS}
    from ${sql.id(schema)}.ledger_accounts where org_id = ${orgId}
    order by kind = 'org' desc, kind, account_id`.execute(db)
  return rows.map(balanceOf)
}

/** One of the org's accounts; undefined when it is another org's, a platform's or nobody's. */
export async function findAccount(db: Db, schema: string, orgId: string, accountId: string) {
  const { rows } = await sql<BalanceRow>`select ${ACCOUNT_COLUMNS}
    from ${sql.id(schema)}.ledger_accounts
    where account_id = ${accountId} and org_id = ${orgId}`.execute(db)
  return rows[0] && balanceOf(rows[0])
}

interface LineRow {
  seq: string
  transfer_id: string
  kind: StatementLine['kind']
  code: string
  debit_account_id: string
  credit_account_id: string
  amount: string
  pending_id: string | null
  status: StatementLine['status']
  event_id: string | null
  at: Date
  debit_after: string[]
  credit_after: string[]
}

/** The account's transfers after `afterSeq`, oldest first; `limit + 1` rows to know if more. */
export async function statementLines(
  db: Db,
  schema: string,
  accountId: string,
  afterSeq: bigint,
  limit: number,
): Promise<{ seq: bigint; line: StatementLine }[]> {
  const s = sql.id(schema)
  const { rows } = await sql<LineRow>`select seq, transfer_id, kind, code, debit_account_id,
      credit_account_id, amount::text, pending_id, status, event_id, at,
      debit_after::text[], credit_after::text[]
    from ${s}.ledger_transfers
    where (debit_account_id = ${accountId} or credit_account_id = ${accountId})
      and seq > ${String(afterSeq)}
    order by seq limit ${limit + 1}`.execute(db)
  return rows.map((r) => {
    const debit = r.debit_account_id === accountId
    const [dp, dpo, , cpo] = (debit ? r.debit_after : r.credit_after).map(BigInt)
    return {
      seq: BigInt(r.seq),
      line: {
        transferId: r.transfer_id,
        kind: r.kind,
        code: r.code,
        direction: debit ? 'debit' : 'credit',
        amount: r.amount,
        counterpartyAccountId: debit ? r.credit_account_id : r.debit_account_id,
        pendingId: r.pending_id,
        status: r.status,
        eventId: r.event_id,
        at: r.at.toISOString(),
        balanceAfter: {
          balance: String(cpo! - dpo!),
          available: String(cpo! - dpo! - dp!),
          locked: String(dp!),
        },
      },
    }
  })
}

/** The event a transfer records (for a retried credit, the original one's). */
export async function transferEventId(db: Db, schema: string, transferId: string) {
  const { rows } = await sql<{ event_id: string | null }>`select event_id
    from ${sql.id(schema)}.ledger_transfers where transfer_id = ${transferId}`.execute(db)
  return rows[0]?.event_id ?? null
}

function balanceOf(r: BalanceRow): AccountBalance {
  const [dp, dpo, cp, cpo] = [
    r.debits_pending,
    r.debits_posted,
    r.credits_pending,
    r.credits_posted,
  ].map(BigInt)
  return {
    accountId: r.account_id,
    kind: r.kind,
    agentId: r.kind === 'org' ? null : r.account_id.replace(/^(acct|bond)_/, ''),
    currency: 'USDC',
    balance: String(cpo! - dpo!),
    available: String(cpo! - dpo! - dp!),
    locked: String(dp!),
    incoming: String(cp!),
    debitsPending: r.debits_pending,
    debitsPosted: r.debits_posted,
    creditsPending: r.credits_pending,
    creditsPosted: r.credits_posted,
  }
}
