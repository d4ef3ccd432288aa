import { Overlay } from './ledger.overlay.ts'
import {
  type Account,
  type Balances,
  type BatchEffects,
  type LedgerState,
  MAX_BALANCE,
  type Transfer,
  type TransferError,
  type TransferInput,
  type TransferResult,
  isSuccess,
} from './ledger.types.ts'

export type { Balances, BatchEffects, LedgerState, Posting } from './ledger.types.ts'

// The ledger's rules, pure: TigerBeetle's semantics over plain maps. The Postgres ledger loads
// the accounts and transfers a batch touches, locked, runs these same functions on them and
// writes back what changed, so the rules exist once; the property test runs both.

export interface BatchOutcome {
  results: TransferResult[]
  effects: BatchEffects
}

export const emptyLedger = (): LedgerState => ({ accounts: new Map(), transfers: new Map() })

/**
 * Applies a batch in order. Unlinked transfers succeed or fail alone; a chain of linked ones
 * (each `linked` but the last) commits all or none. `state` is changed in place by what
 * succeeded; `now` is the clock and `eventId` the escrow event that caused the batch.
 */
export function createTransfers(
  state: LedgerState,
  inputs: readonly TransferInput[],
  now: Date,
  /** The event that caused the batch; or, per input, the event that caused each transfer. */
  eventId: string | null | readonly (string | null)[] = null,
): BatchOutcome {
  const eventIdOf = (i: number) => (typeof eventId === 'object' ? (eventId?.[i] ?? null) : eventId)
  const results: TransferResult[] = new Array<TransferResult>(inputs.length)
  const effects: BatchEffects = { postings: [], resolved: new Map(), accounts: new Map() }
  let start = 0
  while (start < inputs.length) {
    let end = start
    while (end < inputs.length - 1 && inputs[end]!.linked) end++
    const chain = inputs.slice(start, end + 1)
    const chainOpen = chain.at(-1)!.linked === true
    const overlay = new Overlay(state)
    let failedAt = -1
    let failure: TransferError | undefined
    if (chainOpen) {
      failedAt = chain.length - 1
      failure = 'linked_event_chain_open'
    } else {
      for (let i = 0; i < chain.length; i++) {
        const r = apply(overlay, chain[i]!, now, eventIdOf(start + i))
        if (!isSuccess(r)) {
          failedAt = i
          failure = r
          break
        }
        results[start + i] = r
      }
    }
    if (failure === undefined) {
      overlay.commit(effects)
    } else {
      for (let i = 0; i < chain.length; i++) {
        results[start + i] = i === failedAt ? failure : 'linked_event_failed'
      }
    }
    start = end + 1
  }
  return { results, effects }
}

/**
 * Expires a pending transfer whose timeout has passed: the reservation returns, exactly once,
 * recorded as an `expire_pending` transfer `id`. Answers false when there is nothing to expire.
 */
export function expirePending(
  state: LedgerState,
  pendingId: string,
  id: string,
  now: Date,
): BatchEffects | null {
  const p = state.transfers.get(pendingId)
  if (p?.status !== 'pending' || !p.expiresAt || p.expiresAt > now) return null
  const overlay = new Overlay(state)
  release(overlay, p, 0n)
  overlay.record(
    { ...p, id, kind: 'expire_pending', pendingId, timeoutSeconds: 0, expiresAt: null },
    { status: null, code: 'expiry', linked: false, at: now },
    'expired',
  )
  const effects: BatchEffects = { postings: [], resolved: new Map(), accounts: new Map() }
  overlay.commit(effects)
  return effects
}

/** The balance an account can spend: posted credits less posted and pending debits. */
export const available = (a: Balances): bigint => a.creditsPosted - a.debitsPosted - a.debitsPending

function apply(o: Overlay, t: TransferInput, now: Date, eventId: string | null): TransferResult {
  if (t.id.length === 0) return 'id_must_not_be_empty'
  const existing = o.transfer(t.id)
  if (existing) return sameFields(o, t, existing) ? 'exists' : 'exists_with_different_fields'
  return 'pendingId' in t ? resolve(o, t, now, eventId) : applyNew(o, t, now, eventId)
}

function applyNew(
  o: Overlay,
  t: Extract<TransferInput, { kind: 'single_phase' | 'pending' }>,
  now: Date,
  eventId: string | null,
): TransferResult {
  const timeout = t.timeoutSeconds ?? 0
  if (t.amount <= 0n) return 'amount_must_be_positive'
  if (t.debitAccountId === t.creditAccountId) return 'accounts_must_be_different'
  if (!Number.isSafeInteger(timeout) || timeout < 0) {
    return 'timeout_must_be_a_whole_number_of_seconds'
  }
  if (t.kind === 'single_phase' && timeout !== 0) return 'timeout_reserved_for_pending_transfer'
  const dr = o.account(t.debitAccountId)
  if (!dr) return 'debit_account_not_found'
  const cr = o.account(t.creditAccountId)
  if (!cr) return 'credit_account_not_found'
  if (dr.debitsPending + dr.debitsPosted + t.amount > MAX_BALANCE) return 'overflows_debits'
  if (cr.creditsPending + cr.creditsPosted + t.amount > MAX_BALANCE) return 'overflows_credits'
  // Pending debits count: a reservation is spent money until it is voided or expires.
  if (
    dr.flags.debitsMustNotExceedCredits &&
    dr.debitsPending + dr.debitsPosted + t.amount > dr.creditsPosted
  ) {
    return 'exceeds_credits'
  }
  if (
    cr.flags.creditsMustNotExceedDebits &&
    cr.creditsPending + cr.creditsPosted + t.amount > cr.debitsPosted
  ) {
    return 'exceeds_debits'
  }
  const pending = t.kind === 'pending'
  o.put({
    ...dr,
    ...(pending
      ? { debitsPending: dr.debitsPending + t.amount }
      : { debitsPosted: dr.debitsPosted + t.amount }),
  })
  o.put({
    ...cr,
    ...(pending
      ? { creditsPending: cr.creditsPending + t.amount }
      : { creditsPosted: cr.creditsPosted + t.amount }),
  })
  o.record(
    {
      id: t.id,
      kind: t.kind,
      debitAccountId: dr.id,
      creditAccountId: cr.id,
      amount: t.amount,
      pendingId: null,
      timeoutSeconds: timeout,
      expiresAt: pending && timeout > 0 ? new Date(now.getTime() + timeout * 1000) : null,
      eventId,
    },
    { status: pending ? 'pending' : null, code: t.code, linked: t.linked === true, at: now },
  )
  return 'ok'
}

function resolve(
  o: Overlay,
  t: Extract<TransferInput, { kind: 'post_pending' | 'void_pending' }>,
  now: Date,
  eventId: string | null,
): TransferResult {
  const p = o.transfer(t.pendingId)
  if (!p) return 'pending_transfer_not_found'
  if (p.kind !== 'pending') return 'pending_transfer_not_pending'
  if (p.status === 'posted') return 'pending_transfer_already_posted'
  if (p.status === 'voided') return 'pending_transfer_already_voided'
  if (p.status === 'expired') return 'pending_transfer_expired'
  if (p.expiresAt && p.expiresAt <= now) return 'pending_transfer_expired'
  const posted = t.kind === 'post_pending' ? (t.amount ?? p.amount) : 0n
  if (t.kind === 'post_pending') {
    if (posted <= 0n) return 'amount_must_be_positive'
    if (posted > p.amount) return 'exceeds_pending_transfer_amount'
  }
  release(o, p, posted)
  o.record(
    {
      id: t.id,
      kind: t.kind,
      debitAccountId: p.debitAccountId,
      creditAccountId: p.creditAccountId,
      amount: t.kind === 'post_pending' ? posted : p.amount,
      pendingId: p.id,
      timeoutSeconds: 0,
      expiresAt: null,
      eventId,
    },
    { status: null, code: t.code, linked: t.linked === true, at: now },
    t.kind === 'post_pending' ? 'posted' : 'voided',
  )
  return 'ok'
}

/** Takes the reservation off both accounts and posts `posted` of it (0 for a void). */
function release(o: Overlay, p: Transfer, posted: bigint) {
  const dr = o.account(p.debitAccountId)!
  const cr = o.account(p.creditAccountId)!
  o.put({
    ...dr,
    debitsPending: dr.debitsPending - p.amount,
    debitsPosted: dr.debitsPosted + posted,
  })
  o.put({
    ...cr,
    creditsPending: cr.creditsPending - p.amount,
    creditsPosted: cr.creditsPosted + posted,
  })
}

/** A retry matches when every field the caller chose is the same as stored. */
function sameFields(o: Overlay, t: TransferInput, s: Transfer): boolean {
  if (t.kind !== s.kind || t.code !== s.code || (t.linked === true) !== s.linked) return false
  switch (t.kind) {
    case 'single_phase':
    case 'pending':
      return (
        t.debitAccountId === s.debitAccountId &&
        t.creditAccountId === s.creditAccountId &&
        t.amount === s.amount &&
        (t.timeoutSeconds ?? 0) === s.timeoutSeconds
      )
    case 'post_pending':
      return (
        t.pendingId === s.pendingId && (t.amount ?? o.transfer(t.pendingId)?.amount) === s.amount
      )
    case 'void_pending':
      return t.pendingId === s.pendingId
  }
}

/** A new account with zero balances. */
export function newAccount(
  id: string,
  kind: Account['kind'],
  orgId: string | null,
  flags: Partial<Account['flags']> = {},
): Account {
  return {
    id,
    orgId,
    kind,
    flags: {
      debitsMustNotExceedCredits: flags.debitsMustNotExceedCredits ?? false,
      creditsMustNotExceedDebits: flags.creditsMustNotExceedDebits ?? false,
    },
    debitsPending: 0n,
    debitsPosted: 0n,
    creditsPending: 0n,
    creditsPosted: 0n,
  }
}
