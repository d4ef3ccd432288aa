import { beforeEach, describe, expect, it } from 'vitest'
import {
  type LedgerState,
  available,
  createTransfers,
  emptyLedger,
  expirePending,
  newAccount,
} from './ledger.model.ts'
import { MAX_BALANCE, type TransferInput } from './ledger.types.ts'

const now = new Date('2026-12-06T12:00:00Z')
const later = (s: number) => new Date(now.getTime() + s * 1000)

let state: LedgerState
const acct = (id: string) => state.accounts.get(id)!
const run = (inputs: TransferInput[], at = now) => createTransfers(state, inputs, at, 'evt-1')
const pay = (id: string, from: string, to: string, amount: bigint, linked = false) =>
  ({
    id,
    kind: 'single_phase',
    debitAccountId: from,
    creditAccountId: to,
    amount,
    code: 'test',
    linked,
  }) satisfies TransferInput
const reserve = (id: string, amount: bigint, timeoutSeconds = 0) =>
  ({
    id,
    kind: 'pending',
    debitAccountId: 'alice',
    creditAccountId: 'escrow',
    amount,
    timeoutSeconds,
    code: 'lock',
  }) satisfies TransferInput
const post = (id: string, pendingId: string, amount?: bigint, linked = false) =>
  ({
    id,
    kind: 'post_pending',
    pendingId,
    code: 'release',
    linked,
    ...(amount === undefined ? {} : { amount }),
  }) satisfies TransferInput
const voidOf = (id: string, pendingId: string) =>
  ({ id, kind: 'void_pending', pendingId, code: 'refund' }) satisfies TransferInput

beforeEach(() => {
  state = emptyLedger()
  for (const a of [
    newAccount('rail', 'platform', null),
    newAccount('alice', 'agent', 'org_a', { debitsMustNotExceedCredits: true }),
    newAccount('bob', 'agent', 'org_b', { debitsMustNotExceedCredits: true }),
    newAccount('escrow', 'platform', null),
    newAccount('fees', 'platform', null, { creditsMustNotExceedDebits: false }),
    newAccount('capped', 'platform', null, { creditsMustNotExceedDebits: true }),
  ]) {
    state.accounts.set(a.id, a)
  }
  run([pay('deposit', 'rail', 'alice', 100n)])
})

describe('single-phase transfers', () => {
  it('debits one account and credits the other by the same amount', () => {
    expect(run([pay('t1', 'alice', 'bob', 30n)]).results).toEqual(['ok'])
    expect(acct('alice')).toMatchObject({ debitsPosted: 30n, creditsPosted: 100n })
    expect(acct('bob')).toMatchObject({ creditsPosted: 30n, debitsPosted: 0n })
    expect(available(acct('alice'))).toBe(70n)
  })
  it('refuses to take a wallet below zero (exceeds_credits) and changes nothing', () => {
    expect(run([pay('t1', 'alice', 'bob', 101n)]).results).toEqual(['exceeds_credits'])
    expect(acct('alice').debitsPosted).toBe(0n)
    expect(state.transfers.has('t1')).toBe(false)
  })
  it('refuses credits beyond debits on a credits_must_not_exceed_debits account', () => {
    expect(run([pay('t1', 'alice', 'capped', 1n)]).results).toEqual(['exceeds_debits'])
  })
  it('refuses zero and negative amounts', () => {
    expect(run([pay('t1', 'alice', 'bob', 0n), pay('t2', 'alice', 'bob', -5n)]).results).toEqual([
      'amount_must_be_positive',
      'amount_must_be_positive',
    ])
  })
  it('refuses a transfer to the same account, unknown accounts and an empty id', () => {
    expect(
      run([
        pay('t1', 'alice', 'alice', 1n),
        pay('t2', 'nobody', 'bob', 1n),
        pay('t3', 'alice', 'nobody', 1n),
        pay('', 'alice', 'bob', 1n),
      ]).results,
    ).toEqual([
      'accounts_must_be_different',
      'debit_account_not_found',
      'credit_account_not_found',
      'id_must_not_be_empty',
    ])
  })
  it('refuses a timeout on a single-phase transfer, and a fractional one', () => {
    expect(
      run([
        { ...pay('t1', 'alice', 'bob', 1n), timeoutSeconds: 5 },
        { ...reserve('t2', 1n), timeoutSeconds: 1.5 },
      ]).results,
    ).toEqual([
      'timeout_reserved_for_pending_transfer',
      'timeout_must_be_a_whole_number_of_seconds',
    ])
  })
  it('refuses a sum that would not fit numeric(38,0)', () => {
    // the rail has already paid 100 out (the deposit in beforeEach)
    expect(run([pay('big', 'rail', 'bob', MAX_BALANCE - 100n)]).results).toEqual(['ok'])
    expect(run([pay('big2', 'rail', 'bob', 1n)]).results).toEqual(['overflows_debits'])
    expect(run([pay('big3', 'escrow', 'bob', 101n)]).results).toEqual(['overflows_credits'])
  })
})

describe('idempotency by id', () => {
  it('answers exists for the same id and fields, and moves the money once', () => {
    run([pay('t1', 'alice', 'bob', 30n)])
    expect(run([pay('t1', 'alice', 'bob', 30n)]).results).toEqual(['exists'])
    expect(acct('bob').creditsPosted).toBe(30n)
  })
  it('refuses the same id with any field changed', () => {
    run([pay('t1', 'alice', 'bob', 30n)])
    for (const changed of [
      pay('t1', 'alice', 'bob', 31n),
      pay('t1', 'bob', 'alice', 30n),
      { ...pay('t1', 'alice', 'bob', 30n), code: 'other' },
      { ...pay('t1', 'alice', 'bob', 30n), kind: 'pending' as const },
    ]) {
      expect(run([changed]).results).toEqual(['exists_with_different_fields'])
    }
  })
  it('answers exists for a retried post, with or without its amount spelled out', () => {
    run([reserve('p1', 40n), post('c1', 'p1')])
    expect(run([post('c1', 'p1')]).results).toEqual(['exists'])
    expect(run([post('c1', 'p1', 40n)]).results).toEqual(['exists'])
    expect(run([post('c1', 'p1', 39n)]).results).toEqual(['exists_with_different_fields'])
  })
})

describe('two-phase transfers', () => {
  it('reserves: the pending debit counts against the balance', () => {
    expect(run([reserve('p1', 80n)]).results).toEqual(['ok'])
    expect(acct('alice')).toMatchObject({ debitsPending: 80n, debitsPosted: 0n })
    expect(acct('escrow')).toMatchObject({ creditsPending: 80n })
    expect(available(acct('alice'))).toBe(20n)
    expect(run([pay('t1', 'alice', 'bob', 21n)]).results).toEqual(['exceeds_credits'])
    expect(run([reserve('p2', 21n)]).results).toEqual(['exceeds_credits'])
  })
  it('posts all of it', () => {
    run([reserve('p1', 80n)])
    expect(run([post('c1', 'p1')]).results).toEqual(['ok'])
    expect(acct('alice')).toMatchObject({ debitsPending: 0n, debitsPosted: 80n })
    expect(acct('escrow')).toMatchObject({ creditsPending: 0n, creditsPosted: 80n })
    expect(state.transfers.get('p1')?.status).toBe('posted')
  })
  it('posts part of it, and the rest returns to the debit account', () => {
    run([reserve('p1', 80n)])
    expect(run([post('c1', 'p1', 50n)]).results).toEqual(['ok'])
    expect(acct('alice')).toMatchObject({ debitsPending: 0n, debitsPosted: 50n })
    expect(available(acct('alice'))).toBe(50n)
    expect(state.transfers.get('c1')?.amount).toBe(50n)
  })
  it('refuses to post more than was reserved, or nothing', () => {
    run([reserve('p1', 80n)])
    expect(run([post('c1', 'p1', 81n), post('c2', 'p1', 0n)]).results).toEqual([
      'exceeds_pending_transfer_amount',
      'amount_must_be_positive',
    ])
  })
  it('voids: everything returns', () => {
    run([reserve('p1', 80n)])
    expect(run([voidOf('v1', 'p1')]).results).toEqual(['ok'])
    expect(acct('alice')).toMatchObject({ debitsPending: 0n, debitsPosted: 0n })
    expect(acct('escrow')).toMatchObject({ creditsPending: 0n, creditsPosted: 0n })
    expect(state.transfers.get('v1')?.amount).toBe(80n)
  })
  it('resolves exactly once: a second post or void is refused with what happened', () => {
    run([reserve('p1', 40n), reserve('p2', 40n)])
    run([post('c1', 'p1'), voidOf('v2', 'p2')])
    expect(
      run([post('c3', 'p1'), voidOf('v3', 'p1'), post('c4', 'p2'), voidOf('v4', 'p2')]).results,
    ).toEqual([
      'pending_transfer_already_posted',
      'pending_transfer_already_posted',
      'pending_transfer_already_voided',
      'pending_transfer_already_voided',
    ])
    expect(acct('escrow').creditsPosted).toBe(40n)
  })
  it('refuses to resolve what is not a pending transfer, or nothing', () => {
    expect(run([post('c1', 'deposit'), voidOf('v1', 'ghost')]).results).toEqual([
      'pending_transfer_not_pending',
      'pending_transfer_not_found',
    ])
  })
  it('times out: after its timeout it can be neither posted nor voided, and expiry releases it once', () => {
    run([reserve('p1', 80n, 60)])
    expect(run([post('c1', 'p1')], later(60)).results).toEqual(['pending_transfer_expired'])
    expect(expirePending(state, 'p1', 'p1:expired', later(59))).toBeNull()
    expect(expirePending(state, 'p1', 'p1:expired', later(60))).not.toBeNull()
    expect(available(acct('alice'))).toBe(100n)
    expect(state.transfers.get('p1')?.status).toBe('expired')
    expect(expirePending(state, 'p1', 'p1:expired', later(61))).toBeNull()
    expect(run([voidOf('v1', 'p1')], later(61)).results).toEqual(['pending_transfer_expired'])
  })
  it('can still be posted just before its timeout', () => {
    run([reserve('p1', 80n, 60)])
    expect(run([post('c1', 'p1')], later(59)).results).toEqual(['ok'])
  })
})

describe('linked transfers', () => {
  it('commit together: a release to the seller plus the fee', () => {
    run([reserve('p1', 100n)])
    const out = run([
      post('c1', 'p1', undefined, true),
      pay('s1', 'escrow', 'bob', 99n, true),
      pay('f1', 'escrow', 'fees', 1n),
    ])
    expect(out.results).toEqual(['ok', 'ok', 'ok'])
    expect(acct('bob').creditsPosted).toBe(99n)
    expect(acct('fees').creditsPosted).toBe(1n)
  })
  it('fail together: one refusal undoes the chain and names the culprit', () => {
    run([reserve('p1', 100n)])
    const out = run([
      post('c1', 'p1', undefined, true),
      pay('s1', 'escrow', 'bob', 99n, true),
      pay('f1', 'escrow', 'capped', 1n), // capped refuses credits beyond its debits
      pay('t9', 'alice', 'bob', 0n), // not linked: judged alone
    ])
    expect(out.results).toEqual([
      'linked_event_failed',
      'linked_event_failed',
      'exceeds_debits',
      'amount_must_be_positive',
    ])
    expect(state.transfers.get('p1')?.status).toBe('pending')
    expect(acct('bob').creditsPosted).toBe(0n)
    expect(state.transfers.has('c1')).toBe(false)
    expect(out.effects.postings).toEqual([])
  })
  it('refuses a chain left open at the end of the batch', () => {
    expect(
      run([pay('t1', 'alice', 'bob', 1n, true), pay('t2', 'alice', 'bob', 1n, true)]).results,
    ).toEqual(['linked_event_failed', 'linked_event_chain_open'])
    expect(acct('bob').creditsPosted).toBe(0n)
  })
  it('keeps an unlinked success before a failed chain', () => {
    const out = run([pay('t1', 'alice', 'bob', 1n), pay('t2', 'alice', 'bob', 500n)])
    expect(out.results).toEqual(['ok', 'exceeds_credits'])
    expect(acct('bob').creditsPosted).toBe(1n)
  })
})

describe('effects', () => {
  it('record each posting with both balances after it, and the causing event', () => {
    const out = run([pay('t1', 'alice', 'bob', 30n), pay('t2', 'alice', 'bob', 20n)])
    expect(out.effects.postings.map((p) => p.debitAfter.debitsPosted)).toEqual([30n, 50n])
    expect(out.effects.postings.map((p) => p.transfer.eventId)).toEqual(['evt-1', 'evt-1'])
    expect([...out.effects.accounts.keys()].sort()).toEqual(['alice', 'bob'])
  })
})
