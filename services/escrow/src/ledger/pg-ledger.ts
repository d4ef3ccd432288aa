import { sql } from 'kysely'
import type { SchemaDb, SchemaTx } from '@tessera/event-store'
import {
  type BatchEffects,
  type BatchOutcome,
  type LedgerState,
  type Posting,
  createTransfers,
  expirePending,
} from '../domain/ledger/ledger.model.ts'
import type { Account, TransferInput } from '../domain/ledger/ledger.types.ts'
import {
  type AccountRow,
  TRANSFER_COLUMNS,
  type TransferRow,
  accountOf,
  transferOf,
} from './ledger.rows.ts'

type Db = SchemaDb | SchemaTx

/**
 * Another writer got in first (it created one of the batch's ids, or the pending transfer the
 * batch resolves) while the batch waited: retrying the whole batch settles it.
 */
export class LedgerConflict extends Error {
  readonly code = 'CONFLICT'
}

export interface BatchContext {
  now: Date
  /** The escrow event that caused the batch, recorded on every posting; or one per input. */
  eventId?: string | null | readonly (string | null)[]
}

const UNIQUE_VIOLATION = '23505'
const RETRIES = 5

/**
 * Applies a batch to the Postgres ledger in one transaction: locks every account it touches
 * in account-id order (so two batches never deadlock, and each account is written serially),
 * loads the transfers it names, runs the pure model on them and writes back what changed.
 * In `tx` when given (an escrow command's events and postings commit together); else in a
 * transaction of its own, retried when another writer took one of its ids first.
 */
export async function createTransfersPg(
  db: Db,
  schema: string,
  inputs: readonly TransferInput[],
  ctx: BatchContext,
): Promise<BatchOutcome> {
  if (db.isTransaction) return createIn(db as SchemaTx, schema, inputs, ctx)
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction().execute((tx) => createIn(tx, schema, inputs, ctx))
    } catch (err) {
      if (!(err instanceof LedgerConflict) || attempt >= RETRIES) throw err
    }
  }
}

async function createIn(
  tx: SchemaTx,
  schema: string,
  inputs: readonly TransferInput[],
  ctx: BatchContext,
): Promise<BatchOutcome> {
  const s = sql.id(schema)
  const pendingIds = inputs.flatMap((t) => ('pendingId' in t ? [t.pendingId] : []))
  const accountIds = inputs.flatMap((t) =>
    'debitAccountId' in t ? [t.debitAccountId, t.creditAccountId] : [],
  )
  const state: LedgerState = { accounts: new Map(), transfers: new Map() }
  const { rows: accounts } = await sql<AccountRow>`
    select * from ${s}.ledger_accounts where account_id in (
      select unnest(${accountIds}::text[])
      union select debit_account_id from ${s}.ledger_transfers
        where transfer_id = any(${pendingIds}::text[])
      union select credit_account_id from ${s}.ledger_transfers
        where transfer_id = any(${pendingIds}::text[]))
    order by account_id for update`.execute(tx)
  for (const r of accounts) state.accounts.set(r.account_id, accountOf(r))
  // After the locks: a pending transfer changes only under its accounts' locks, so this is current.
  const { rows: transfers } = await sql<TransferRow>`select ${TRANSFER_COLUMNS}
    from ${s}.ledger_transfers where transfer_id = any(${[...inputs.map((t) => t.id), ...pendingIds]}::text[])`.execute(
    tx,
  )
  for (const r of transfers) state.transfers.set(r.transfer_id, transferOf(r))
  // A pending transfer that committed while this batch waited for its locks was not there to
  // name its accounts; locking them now would break the order, so the batch starts again.
  for (const id of pendingIds) {
    const p = state.transfers.get(id)
    if (p && !(state.accounts.has(p.debitAccountId) && state.accounts.has(p.creditAccountId))) {
      throw new LedgerConflict(`pending transfer ${id} appeared while the batch waited`)
    }
  }
  const outcome = createTransfers(state, inputs, ctx.now, ctx.eventId ?? null)
  await writeEffects(tx, schema, outcome.effects)
  return outcome
}

/**
 * Expires up to `limit` pending transfers whose timeout is at or before `now` (the sweep the
 * durable scheduler runs). Answers the ids it expired.
 */
export async function expireDuePg(
  db: SchemaDb,
  schema: string,
  now: Date,
  limit = 100,
): Promise<string[]> {
  const { rows: due } = await sql<{ transfer_id: string }>`
    select transfer_id from ${sql.id(schema)}.ledger_transfers
    where status = 'pending' and expires_at <= ${now}
    order by expires_at, transfer_id limit ${limit}`.execute(db)
  return expirePendingPg(
    db,
    schema,
    due.map((r) => r.transfer_id),
    now,
  )
}

/**
 * Expires each of these pending transfers that is still pending and due at `now`, each in a
 * transaction of its own under its accounts' locks; answers those it expired, in order.
 */
export async function expirePendingPg(
  db: SchemaDb,
  schema: string,
  pendingIds: readonly string[],
  now: Date,
): Promise<string[]> {
  const s = sql.id(schema)
  const { rows: due } = await sql<{ transfer_id: string }>`select transfer_id
    from ${s}.ledger_transfers where transfer_id = any(${[...pendingIds]}::text[])
      and status = 'pending' and expires_at <= ${now}`.execute(db)
  const dueIds = new Set(due.map((r) => r.transfer_id))
  const expired: string[] = []
  for (const pendingId of pendingIds.filter((id) => dueIds.has(id))) {
    const done = await db.transaction().execute(async (tx) => {
      const { rows: accounts } = await sql<AccountRow>`
        select a.* from ${s}.ledger_accounts a join ${s}.ledger_transfers t
          on a.account_id in (t.debit_account_id, t.credit_account_id)
        where t.transfer_id = ${pendingId} order by a.account_id for update of a`.execute(tx)
      if (accounts.length === 0) return false
      const { rows } = await sql<TransferRow>`select ${TRANSFER_COLUMNS}
        from ${s}.ledger_transfers where transfer_id = ${pendingId}`.execute(tx)
      const state: LedgerState = {
        accounts: new Map(accounts.map((r) => [r.account_id, accountOf(r)])),
        transfers: new Map(rows.map((r) => [r.transfer_id, transferOf(r)])),
      }
      const effects = expirePending(state, pendingId, `${pendingId}:expired`, now)
      if (effects) await writeEffects(tx, schema, effects)
      return effects !== null
    })
    if (done) expired.push(pendingId)
  }
  return expired
}

/**
 * Writes a batch's effects in one statement. A pending transfer created and resolved in the
 * same batch is inserted with its final status: sibling CTEs cannot see each other's rows.
 */
async function writeEffects(tx: SchemaTx, schema: string, e: BatchEffects) {
  const s = sql.id(schema)
  const created = new Set(e.postings.map((p) => p.transfer.id))
  const resolved = [...e.resolved].filter(([id]) => !created.has(id))
  const a = [...e.accounts.values()]
  const insert =
    e.postings.length === 0
      ? sql`select 1`
      : sql`insert into ${s}.ledger_transfers (transfer_id, kind, debit_account_id,
          credit_account_id, amount, pending_id, timeout_seconds, expires_at, status, code, linked,
          event_id, at, debit_after, credit_after)
        values ${sql.join(e.postings.map((p) => postingValues(p, e.resolved)))}`
  try {
    await sql`with inserted as (${insert}),
      resolved as (update ${s}.ledger_transfers t set status = v.status
        from unnest(${resolved.map(([id]) => id)}::text[], ${resolved.map(([, st]) => st)}::text[])
          as v(id, status)
        where t.transfer_id = v.id),
      balances as (update ${s}.ledger_accounts t set debits_pending = v.dp,
          debits_posted = v.dpo, credits_pending = v.cp, credits_posted = v.cpo
        from unnest(${a.map((x) => x.id)}::text[],
          ${a.map((x) => String(x.debitsPending))}::numeric[],
          ${a.map((x) => String(x.debitsPosted))}::numeric[],
          ${a.map((x) => String(x.creditsPending))}::numeric[],
          ${a.map((x) => String(x.creditsPosted))}::numeric[]) as v(id, dp, dpo, cp, cpo)
        where t.account_id = v.id)
      select 1`.execute(tx)
  } catch (err) {
    if (isUniqueViolation(err)) throw new LedgerConflict('a transfer id was taken concurrently')
    throw err
  }
}

function postingValues(
  { transfer: t, debitAfter, creditAfter }: Posting,
  resolved: BatchEffects['resolved'],
) {
  const after = (b: Posting['debitAfter']) =>
    [b.debitsPending, b.debitsPosted, b.creditsPending, b.creditsPosted].map(String)
  return sql`(${t.id}, ${t.kind}, ${t.debitAccountId}, ${t.creditAccountId},
    ${String(t.amount)}::numeric, ${t.pendingId}, ${t.timeoutSeconds}, ${t.expiresAt},
    ${resolved.get(t.id) ?? t.status}, ${t.code}, ${t.linked}, ${t.eventId}::uuid, ${t.at},
    ${after(debitAfter)}::numeric[], ${after(creditAfter)}::numeric[])`
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === UNIQUE_VIOLATION
}

/** Opens accounts with zero balances; opening one again is a no-op (its id is its identity). */
export async function openAccounts(
  db: Db,
  schema: string,
  accounts: readonly Account[],
  openedAt: Date,
): Promise<void> {
  if (accounts.length === 0) return
  await sql`insert into ${sql.id(schema)}.ledger_accounts (account_id, org_id, kind,
      debits_must_not_exceed_credits, credits_must_not_exceed_debits, opened_at)
    values ${sql.join(
      accounts.map(
        (a) => sql`(${a.id}, ${a.orgId}, ${a.kind}, ${a.flags.debitsMustNotExceedCredits},
          ${a.flags.creditsMustNotExceedDebits}, ${openedAt})`,
      ),
    )}
    on conflict (account_id) do nothing`.execute(db)
}
