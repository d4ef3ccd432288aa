/**
 * The ledger's vocabulary, after TigerBeetle (docs.tigerbeetle.com: reference/account,
 * reference/transfer, coding/two-phase-transfers). Money is integer µUSDC as `bigint`.
 */

/** Every amount and balance fits `numeric(38,0)`; a sum that would not is refused. */
export const MAX_BALANCE = 10n ** 38n - 1n

export interface AccountFlags {
  /** debits_pending + debits_posted may never exceed credits_posted: a user's wallet. */
  debitsMustNotExceedCredits: boolean
  /** credits_pending + credits_posted may never exceed debits_posted. */
  creditsMustNotExceedDebits: boolean
}

/** `bond`: an agent's bond account (docs/bonds.md). */
export type AccountKind = 'agent' | 'org' | 'platform' | 'bond'

export interface Account {
  id: string
  /** The org it belongs to; null for platform accounts, which no org may read. */
  orgId: string | null
  kind: AccountKind
  flags: AccountFlags
  debitsPending: bigint
  debitsPosted: bigint
  creditsPending: bigint
  creditsPosted: bigint
}

/** What a transfer does: a plain posting, a reservation, or the resolution of a reservation. */
export type TransferKind = 'single_phase' | 'pending' | 'post_pending' | 'void_pending'

/** A resolved reservation's fate; `expired` is written by the timeout sweep. */
export type PendingStatus = 'pending' | 'posted' | 'voided' | 'expired'

/** What a caller asks for. Immutable once stored; the id makes a retry harmless. */
export type TransferInput =
  | {
      id: string
      kind: 'single_phase' | 'pending'
      debitAccountId: string
      creditAccountId: string
      amount: bigint
      /** Only for `pending`: seconds until the reservation expires; 0 or absent = never. */
      timeoutSeconds?: number
      /** What the money is for (`deposit`, `escrow_lock`, `fee`, …): shown on statements. */
      code: string
      /** The transfer commits only if the next one in the batch does too (chain of links). */
      linked?: boolean
    }
  | {
      id: string
      kind: 'post_pending'
      pendingId: string
      /** At most the pending amount; absent = all of it. The rest returns to the debit account. */
      amount?: bigint
      code: string
      linked?: boolean
    }
  | { id: string; kind: 'void_pending'; pendingId: string; code: string; linked?: boolean }

/** A stored transfer. Post, void and expiry rows name the pending transfer they resolve. */
export interface Transfer {
  id: string
  kind: TransferKind | 'expire_pending'
  debitAccountId: string
  creditAccountId: string
  /** For `pending`: reserved; for a post: posted; for void/expiry: the amount released. */
  amount: bigint
  pendingId: string | null
  timeoutSeconds: number
  /** For `pending`: when it expires (null = never). */
  expiresAt: Date | null
  code: string
  linked: boolean
  /** For `pending` only: where the reservation stands. */
  status: PendingStatus | null
  /** The escrow event that caused it (statements link to it); null when none did. */
  eventId: string | null
  at: Date
}

/** Why a transfer was refused: stable, one per rule, as TigerBeetle names them. */
export type TransferError =
  | 'linked_event_failed'
  | 'linked_event_chain_open'
  | 'id_must_not_be_empty'
  | 'amount_must_be_positive'
  | 'accounts_must_be_different'
  | 'debit_account_not_found'
  | 'credit_account_not_found'
  | 'timeout_reserved_for_pending_transfer'
  | 'timeout_must_be_a_whole_number_of_seconds'
  | 'exists_with_different_fields'
  | 'pending_transfer_not_found'
  | 'pending_transfer_not_pending'
  | 'pending_transfer_already_posted'
  | 'pending_transfer_already_voided'
  | 'pending_transfer_expired'
  | 'exceeds_pending_transfer_amount'
  | 'exceeds_credits'
  | 'exceeds_debits'
  | 'overflows_debits'
  | 'overflows_credits'

/** `ok`: stored now; `exists`: the same transfer was stored before (a retry); else the refusal. */
export type TransferResult = 'ok' | 'exists' | TransferError

export const isSuccess = (r: TransferResult): r is 'ok' | 'exists' => r === 'ok' || r === 'exists'

/** The whole ledger, or the slice of it a batch touches (what the Postgres ledger loads). */
export interface LedgerState {
  accounts: Map<string, Account>
  transfers: Map<string, Transfer>
}

/** One account's four balances at a point in time (what a statement line shows after it). */
export type Balances = Pick<
  Account,
  'debitsPending' | 'debitsPosted' | 'creditsPending' | 'creditsPosted'
>

/** A stored transfer with both accounts' balances right after it. */
export interface Posting {
  transfer: Transfer
  debitAfter: Balances
  creditAfter: Balances
}

/** What a batch changed: what the Postgres ledger writes back. */
export interface BatchEffects {
  postings: Posting[]
  /** Pending transfers resolved by this batch, and how. */
  resolved: Map<string, PendingStatus>
  /** Accounts whose balances changed, with their final values. */
  accounts: Map<string, Account>
}
