import { sql } from 'kysely'
import type { Account, Transfer } from '../domain/ledger/ledger.types.ts'

// The ledger tables' rows and their mapping to the model's types, in one place.

export interface AccountRow {
  account_id: string
  org_id: string | null
  kind: Account['kind']
  debits_must_not_exceed_credits: boolean
  credits_must_not_exceed_debits: boolean
  debits_pending: string
  debits_posted: string
  credits_pending: string
  credits_posted: string
  opened_at: Date
}

/** The columns a transfer is read with: never `numeric[]`, which pg would parse as floats. */
export const TRANSFER_COLUMNS = sql.raw(
  `seq, transfer_id, kind, debit_account_id, credit_account_id, amount, pending_id,
  timeout_seconds, expires_at, status, code, linked, event_id, at`,
)

export interface TransferRow {
  seq: string
  transfer_id: string
  kind: Transfer['kind']
  debit_account_id: string
  credit_account_id: string
  amount: string
  pending_id: string | null
  timeout_seconds: number
  expires_at: Date | null
  status: Transfer['status']
  code: string
  linked: boolean
  event_id: string | null
  at: Date
}

export function accountOf(r: AccountRow): Account {
  return {
    id: r.account_id,
    orgId: r.org_id,
    kind: r.kind,
    flags: {
      debitsMustNotExceedCredits: r.debits_must_not_exceed_credits,
      creditsMustNotExceedDebits: r.credits_must_not_exceed_debits,
    },
    debitsPending: BigInt(r.debits_pending),
    debitsPosted: BigInt(r.debits_posted),
    creditsPending: BigInt(r.credits_pending),
    creditsPosted: BigInt(r.credits_posted),
  }
}

export function transferOf(r: TransferRow): Transfer {
  return {
    id: r.transfer_id,
    kind: r.kind,
    debitAccountId: r.debit_account_id,
    creditAccountId: r.credit_account_id,
    amount: BigInt(r.amount),
    pendingId: r.pending_id,
    timeoutSeconds: r.timeout_seconds,
    expiresAt: r.expires_at,
    status: r.status,
    code: r.code,
    linked: r.linked,
    eventId: r.event_id,
    at: r.at,
  }
}
