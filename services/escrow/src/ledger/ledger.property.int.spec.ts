import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SchemaDb, createDb, migrateSchema } from '@tessera/event-store'
import { allMigrations } from '@tessera/service-kit'
import { type TestSchema, freshSchema, testDatabaseUrl, uniqueTag } from '@tessera/testing'
import {
  type LedgerState,
  createTransfers,
  emptyLedger,
  expirePending,
  newAccount,
} from '../domain/ledger/ledger.model.ts'
import type { Account, Transfer, TransferInput } from '../domain/ledger/ledger.types.ts'
import { escrow } from '../service.ts'
import {
  type AccountRow,
  TRANSFER_COLUMNS,
  type TransferRow,
  accountOf,
  transferOf,
} from './ledger.rows.ts'
import { createTransfersPg, expirePendingPg, openAccounts } from './pg-ledger.ts'

/**
 * Random operation sequences (bond posts and slashes among them) against the real Postgres
 * ledger, each on accounts of its own and
 * compared with the pure model run on the same operations: at the end of every sequence, the
 * tables equal the model; money is conserved; every balance equals the sum of the postings
 * that made it; no wallet is negative; each pending transfer resolved at most once.
 */
const SEQUENCES = Number(process.env['TESSERA_LEDGER_SEQUENCES'] ?? 10_000)
/**
 * Sequences run concurrently in one fast-check run (each on accounts of its own). 8 was the
 * fastest of 4, 8, 25 and 50 on the 2-core box: more waits on lock hand-offs, fewer on round trips.
 */
const PER_RUN = Number(process.env['TESSERA_LEDGER_PER_RUN'] ?? 8)

let t: TestSchema<unknown>
let fast: SchemaDb
beforeAll(async () => {
  t = await freshSchema('ledger_prop', 2)
  await migrateSchema(t.db, t.schema, allMigrations(escrow, t.schema))
  // Commits need not wait for the disk here: durability is Postgres's, atomicity and locks are
  // what is under test, and they are the same with synchronous_commit off.
  const url = new URL(testDatabaseUrl())
  url.searchParams.set('options', '-c synchronous_commit=off')
  fast = createDb({ connectionString: url.toString(), max: 2 * PER_RUN + 2 })
})
afterAll(async () => {
  await fast.destroy()
  await t.dispose()
})

type Who = 0 | 1
type Op =
  | { t: 'deposit'; to: Who; amount: bigint }
  | { t: 'pay'; from: Who; to: 'a' | 'b' | 'escrow' | 'fees'; amount: bigint }
  | { t: 'reserve'; from: Who; amount: bigint; timeout: 0 | 30 }
  | { t: 'post'; ref: number; amount: bigint | null }
  | { t: 'void'; ref: number }
  | { t: 'release'; ref: number; toSeller: bigint; fee: bigint }
  | { t: 'tick'; seconds: number }
  | { t: 'retry'; back: number; alter: boolean }
  | { t: 'bond'; from: Who; amount: bigint }
  | { t: 'slash'; who: Who; amount: bigint }

const amount = fc.oneof(
  { weight: 8, arbitrary: fc.bigInt(1n, 150n) },
  { weight: 1, arbitrary: fc.constantFrom(0n, -1n) },
)
const who = fc.constantFrom<Who>(0, 1)
const ref = fc.nat(6)
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ t: fc.constant('deposit' as const), to: who, amount }),
  fc.record({
    t: fc.constant('pay' as const),
    from: who,
    to: fc.constantFrom('a' as const, 'b' as const, 'escrow' as const, 'fees' as const),
    amount,
  }),
  fc.record({
    t: fc.constant('reserve' as const),
    from: who,
    amount,
    timeout: fc.constantFrom<0 | 30>(0, 30),
  }),
  fc.record({ t: fc.constant('post' as const), ref, amount: fc.option(amount, { nil: null }) }),
  fc.record({ t: fc.constant('void' as const), ref }),
  fc.record({ t: fc.constant('release' as const), ref, toSeller: amount, fee: amount }),
  fc.record({ t: fc.constant('tick' as const), seconds: fc.integer({ min: 0, max: 40 }) }),
  fc.record({ t: fc.constant('retry' as const), back: fc.nat(5), alter: fc.boolean() }),
  fc.record({ t: fc.constant('bond' as const), from: who, amount }),
  fc.record({ t: fc.constant('slash' as const), who, amount }),
)
/** A step is one batch, or two run concurrently. */
const step = fc.oneof(
  { weight: 4, arbitrary: op.map((o) => [o]) },
  { weight: 1, arbitrary: fc.tuple(op, op) },
)
const sequence = fc.array(step, { minLength: 1, maxLength: 6 })

class Sequence {
  readonly id = `s${uniqueTag(6)}`
  readonly acct = {
    rail: `${this.id}_rail`,
    a: `${this.id}_a`,
    b: `${this.id}_b`,
    escrow: `${this.id}_escrow`,
    fees: `${this.id}_fees`,
    bondA: `${this.id}_bond_a`,
    bondB: `${this.id}_bond_b`,
    slashed: `${this.id}_slashed`,
  }
  readonly model: LedgerState = emptyLedger()
  private readonly pendings: string[] = []
  private readonly batches: TransferInput[][] = []
  private n = 0
  now = new Date('2026-12-06T12:00:00Z')

  accounts(): Account[] {
    const wallet = { debitsMustNotExceedCredits: true }
    return [
      newAccount(this.acct.rail, 'platform', null),
      newAccount(this.acct.a, 'agent', 'org_x', wallet),
      newAccount(this.acct.b, 'agent', 'org_x', wallet),
      newAccount(this.acct.escrow, 'platform', null, wallet),
      newAccount(this.acct.fees, 'platform', null, { creditsMustNotExceedDebits: false }),
      // docs/bonds.md: a bond is a posted balance in an account with a wallet's flags
      newAccount(this.acct.bondA, 'bond', 'org_x', wallet),
      newAccount(this.acct.bondB, 'bond', 'org_x', wallet),
      newAccount(this.acct.slashed, 'platform', null, wallet),
    ]
  }

  private nextId = () => `${this.id}-${this.n++}`
  private wallet = (w: Who) => (w === 0 ? this.acct.a : this.acct.b)
  private bond = (w: Who) => (w === 0 ? this.acct.bondA : this.acct.bondB)
  private pending = (i: number) => this.pendings[i % Math.max(1, this.pendings.length)] ?? 'none'

  /** The batch an operation sends; null for a tick. */
  batch(o: Op): TransferInput[] | null {
    const plain = (from: string, to: string, amt: bigint, linked = false): TransferInput => ({
      id: this.nextId(),
      kind: 'single_phase',
      debitAccountId: from,
      creditAccountId: to,
      amount: amt,
      code: o.t,
      linked,
    })
    let b: TransferInput[]
    switch (o.t) {
      case 'deposit':
        b = [plain(this.acct.rail, this.wallet(o.to), o.amount)]
        break
      case 'pay':
        b = [plain(this.wallet(o.from), this.acct[o.to], o.amount)]
        break
      case 'bond':
        b = [plain(this.wallet(o.from), this.bond(o.from), o.amount)]
        break
      case 'slash':
        b = [plain(this.bond(o.who), this.acct.slashed, o.amount)]
        break
      case 'reserve': {
        const id = this.nextId()
        this.pendings.push(id)
        b = [
          {
            id,
            kind: 'pending',
            debitAccountId: this.wallet(o.from),
            creditAccountId: this.acct.escrow,
            amount: o.amount,
            timeoutSeconds: o.timeout,
            code: 'lock',
          },
        ]
        break
      }
      case 'post':
        b = [
          {
            id: this.nextId(),
            kind: 'post_pending',
            pendingId: this.pending(o.ref),
            code: 'post',
            ...(o.amount === null ? {} : { amount: o.amount }),
          },
        ]
        break
      case 'void':
        b = [
          { id: this.nextId(), kind: 'void_pending', pendingId: this.pending(o.ref), code: 'void' },
        ]
        break
      case 'release':
        b = [
          {
            id: this.nextId(),
            kind: 'post_pending',
            pendingId: this.pending(o.ref),
            code: 'release',
            linked: true,
          },
          plain(this.acct.escrow, this.acct.b, o.toSeller, true),
          plain(this.acct.escrow, this.acct.fees, o.fee),
        ]
        break
      case 'tick':
        return null
      case 'retry': {
        const prev = this.batches[this.batches.length - 1 - o.back]
        if (!prev) return null
        b = o.alter
          ? prev.map((x) => (x.kind === 'void_pending' ? x : { ...x, code: `${x.code}!` }))
          : prev
        break
      }
    }
    this.batches.push(b)
    return b
  }

  /** Applies a tick to both: the clock moves and what fell due expires. */
  async tick(db: SchemaDb, schema: string, seconds: number) {
    this.now = new Date(this.now.getTime() + seconds * 1000)
    const expired = await expirePendingPg(db, schema, this.pendings, this.now)
    const modelExpired = this.pendings.filter(
      (p) => expirePending(this.model, p, `${p}:expired`, this.now) !== null,
    )
    expect(expired).toEqual(modelExpired)
  }
}

async function runSequence(steps: Op[][]) {
  const seq = new Sequence()
  const accounts = seq.accounts()
  for (const a of accounts) seq.model.accounts.set(a.id, a)
  await openAccounts(fast, t.schema, accounts, seq.now)
  for (const s of steps) {
    const batches: TransferInput[][] = []
    for (const o of s) {
      if (o.t === 'tick') await seq.tick(fast, t.schema, o.seconds)
      else {
        const b = seq.batch(o)
        if (b) batches.push(b)
      }
    }
    const now = seq.now
    const events = batches.map(() => randomUUID())
    const outs = await Promise.all(
      batches.map((b, i) => createTransfersPg(fast, t.schema, b, { now, eventId: events[i] })),
    )
    // Concurrent batches committed in one order or the other: the model must agree with one.
    const orders =
      batches.length === 2
        ? [
            [0, 1],
            [1, 0],
          ]
        : [batches.map((_, i) => i)]
    const matching = orders.find((order) => {
      const trial: LedgerState = {
        accounts: new Map(seq.model.accounts),
        transfers: new Map(seq.model.transfers),
      }
      return order.every(
        (i) =>
          JSON.stringify(createTransfers(trial, batches[i]!, now, events[i]).results) ===
          JSON.stringify(outs[i]!.results),
      )
    })
    expect(matching, 'no serial order of the concurrent batches gives their results').toBeDefined()
    for (const i of matching!) createTransfers(seq.model, batches[i]!, now, events[i])
  }
  await checkAgainstModel(seq)
}

async function checkAgainstModel(seq: Sequence) {
  const ids = Object.values(seq.acct)
  const s = sql.id(t.schema)
  const { rows: accountRows } = await sql<AccountRow>`select * from ${s}.ledger_accounts
    where account_id = any(${ids}::text[]) order by account_id`.execute(fast)
  const { rows: transferRows } = await sql<TransferRow>`select ${TRANSFER_COLUMNS}
    from ${s}.ledger_transfers where debit_account_id = any(${ids}::text[]) order by seq`.execute(
    fast,
  )
  const accounts = accountRows.map(accountOf)
  const transfers = transferRows.map(transferOf)
  // Plain checks first, and `expect` (slow, but with a readable diff) only on a failure: this
  // runs 10,000 times.
  const failed = (what: string, actual: unknown, expected: unknown) => {
    expect({ what, actual }).toEqual({ what, actual: expected })
  }
  // 1. The tables are the model.
  if (same(accounts, [...seq.model.accounts.values()]) === false) {
    failed('accounts', sorted(accounts), sorted([...seq.model.accounts.values()]))
  }
  if (same(transfers, [...seq.model.transfers.values()]) === false) {
    failed('transfers', sorted(transfers), sorted([...seq.model.transfers.values()]))
  }
  // 2. Money is conserved: every debit has its credit, posted and pending.
  const sum = (f: (a: Account) => bigint) => accounts.reduce((n, a) => n + f(a), 0n)
  if (sum((a) => a.debitsPosted) !== sum((a) => a.creditsPosted)) failed('posted', accounts, [])
  if (sum((a) => a.debitsPending) !== sum((a) => a.creditsPending)) failed('pending', accounts, [])
  for (const a of accounts) {
    // 3. Every balance is the sum of its postings.
    const journal = journalOf(a.id, transfers)
    if (String(journal) !== String(balancesOf(a)))
      failed(`journal of ${a.id}`, balancesOf(a), journal)
    // 4. No wallet below zero, pending debits counted.
    if (a.flags.debitsMustNotExceedCredits && a.debitsPending + a.debitsPosted > a.creditsPosted) {
      failed(`negative ${a.id}`, a, 'not negative')
    }
  }
  // 5. A pending transfer resolved at most once, and its status says how.
  const how = { post_pending: 'posted', void_pending: 'voided', expire_pending: 'expired' }
  for (const p of transfers.filter((x) => x.kind === 'pending')) {
    const resolutions = transfers.filter((x) => x.pendingId === p.id)
    const expected = p.status === 'pending' ? [] : [p.status]
    const actual = resolutions.map((r) => how[r.kind as keyof typeof how])
    if (String(actual) !== String(expected)) failed(`resolutions of ${p.id}`, actual, expected)
  }
}

const key = (x: unknown) =>
  JSON.stringify(x, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))
const sorted = <T extends { id: string }>(xs: T[]) => [...xs].sort((a, b) => (a.id < b.id ? -1 : 1))
const same = <T extends { id: string }>(a: T[], b: T[]) =>
  key(sorted(a).map(canonical)) === key(sorted(b).map(canonical))
/** Key order and Date objects do not matter, only values. */
const canonical = (x: object) =>
  Object.fromEntries(
    Object.entries(x)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]),
  )

const balancesOf = (a: Account) => [
  a.debitsPending,
  a.debitsPosted,
  a.creditsPending,
  a.creditsPosted,
]

/** An account's four balances recomputed from the transfers alone. */
function journalOf(id: string, transfers: Transfer[]): bigint[] {
  const b = [0n, 0n, 0n, 0n]
  for (const x of transfers) {
    const side = x.debitAccountId === id ? 0 : x.creditAccountId === id ? 2 : -1
    if (side < 0) continue
    if (x.kind === 'single_phase' || x.kind === 'post_pending') b[side + 1]! += x.amount
    if (x.kind === 'pending' && x.status === 'pending') b[side]! += x.amount
  }
  return b
}

describe('the Postgres ledger under random operation sequences', () => {
  it(`agrees with the model and keeps every invariant over ${SEQUENCES} sequences`, async () => {
    const started = performance.now()
    await fc.assert(
      fc.asyncProperty(fc.array(sequence, { minLength: PER_RUN, maxLength: PER_RUN }), (seqs) =>
        Promise.all(seqs.map(runSequence)).then(() => undefined),
      ),
      { numRuns: Math.ceil(SEQUENCES / PER_RUN) },
    )
    console.log(
      JSON.stringify({ sequences: SEQUENCES, seconds: (performance.now() - started) / 1000 }),
    )
    // Across every sequence at once: the whole ledger balances too.
    const { rows } = await sql<{ dp: string; cp: string; dpo: string; cpo: string }>`
      select sum(debits_pending)::text dp, sum(credits_pending)::text cp,
        sum(debits_posted)::text dpo, sum(credits_posted)::text cpo
      from ${sql.id(t.schema)}.ledger_accounts`.execute(fast)
    expect(rows[0]!.dp).toBe(rows[0]!.cp)
    expect(rows[0]!.dpo).toBe(rows[0]!.cpo)
  }, 300_000)
})
