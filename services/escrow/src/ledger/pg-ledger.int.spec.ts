import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrateSchema } from '@tessera/event-store'
import { allMigrations } from '@tessera/service-kit'
import { type TestSchema, freshSchema, uniqueTag } from '@tessera/testing'
import { newAccount } from '../domain/ledger/ledger.model.ts'
import type { TransferInput } from '../domain/ledger/ledger.types.ts'
import { escrow } from '../service.ts'
import { createTransfersPg, expireDuePg, openAccounts } from './pg-ledger.ts'

let t: TestSchema<unknown>
beforeAll(async () => {
  t = await freshSchema('ledger_pg', 12)
  await migrateSchema(t.db, t.schema, allMigrations(escrow, t.schema))
})
afterAll(() => t.dispose())

const now = new Date('2026-12-06T12:00:00Z')
const run = (inputs: TransferInput[], at = now) =>
  createTransfersPg(t.db, t.schema, inputs, { now: at }).then((o) => o.results)

/** A funded buyer with `amount` reserved towards the escrow account; answers the ids. */
async function reserved(amount = 100n, timeoutSeconds = 0) {
  const tag = uniqueTag()
  const ids = { rail: `rail_${tag}`, buyer: `buyer_${tag}`, escrow: `escrow_${tag}` }
  await openAccounts(
    t.db,
    t.schema,
    [
      newAccount(ids.rail, 'platform', null),
      newAccount(ids.buyer, 'agent', 'org_x', { debitsMustNotExceedCredits: true }),
      newAccount(ids.escrow, 'platform', null, { debitsMustNotExceedCredits: true }),
    ],
    now,
  )
  const pendingId = `lock_${tag}`
  expect(
    await run([
      {
        id: `dep_${tag}`,
        kind: 'single_phase',
        debitAccountId: ids.rail,
        creditAccountId: ids.buyer,
        amount,
        code: 'deposit',
      },
      {
        id: pendingId,
        kind: 'pending',
        debitAccountId: ids.buyer,
        creditAccountId: ids.escrow,
        amount,
        timeoutSeconds,
        code: 'escrow_lock',
      },
    ]),
  ).toEqual(['ok', 'ok'])
  return { ...ids, pendingId, tag }
}

const balanceOf = async (id: string) => {
  const { rows } = await sql<{ posted: string; pending: string }>`
    select (credits_posted - debits_posted)::text as posted, debits_pending::text as pending
    from ${sql.id(t.schema)}.ledger_accounts where account_id = ${id}`.execute(t.db)
  return rows[0]
}

describe('races against Postgres', () => {
  it('two concurrent posts of one pending transfer: exactly one wins, the money moves once', async () => {
    for (let i = 0; i < 20; i++) {
      const r = await reserved()
      const results = await Promise.all(
        ['a', 'b'].map((x) =>
          run([
            {
              id: `post_${x}_${r.tag}`,
              kind: 'post_pending',
              pendingId: r.pendingId,
              code: 'release',
            },
          ]),
        ),
      )
      expect(results.flat().sort()).toEqual(['ok', 'pending_transfer_already_posted'])
      expect(await balanceOf(r.escrow)).toEqual({ posted: '100', pending: '0' })
      expect(await balanceOf(r.buyer)).toEqual({ posted: '0', pending: '0' })
    }
  })

  it('a post against a void: exactly one wins, and the balances say which', async () => {
    const winners = new Set<string>()
    for (let i = 0; i < 20; i++) {
      const r = await reserved()
      const [post, voided] = await Promise.all([
        run([
          { id: `post_${r.tag}`, kind: 'post_pending', pendingId: r.pendingId, code: 'release' },
        ]),
        run([
          { id: `void_${r.tag}`, kind: 'void_pending', pendingId: r.pendingId, code: 'refund' },
        ]),
      ])
      const outcome = [post[0], voided[0]]
      if (post[0] === 'ok') {
        expect(outcome).toEqual(['ok', 'pending_transfer_already_posted'])
        expect(await balanceOf(r.buyer)).toEqual({ posted: '0', pending: '0' })
        winners.add('post')
      } else {
        expect(outcome).toEqual(['pending_transfer_already_voided', 'ok'])
        expect(await balanceOf(r.buyer)).toEqual({ posted: '100', pending: '0' })
        winners.add('void')
      }
    }
    expect(winners.size).toBeGreaterThan(0)
  })

  it('a post racing the reservation it resolves: never a crash, and never money from nowhere', async () => {
    for (let i = 0; i < 20; i++) {
      const r = await reserved(50n) // funds the buyer with 50 and reserves all of it
      await run([{ id: `void0_${r.tag}`, kind: 'void_pending', pendingId: r.pendingId, code: 'x' }])
      const lock = `lock2_${r.tag}`
      const [reserve, post] = await Promise.all([
        run([
          {
            id: lock,
            kind: 'pending',
            debitAccountId: r.buyer,
            creditAccountId: r.escrow,
            amount: 50n,
            code: 'escrow_lock',
          },
        ]),
        // a release: it waits on the escrow account the reservation holds, then finds it
        run([
          {
            id: `post_${r.tag}`,
            kind: 'post_pending',
            pendingId: lock,
            code: 'release',
            linked: true,
          },
          {
            id: `out_${r.tag}`,
            kind: 'single_phase',
            debitAccountId: r.escrow,
            creditAccountId: r.rail,
            amount: 1n,
            code: 'payout',
          },
        ]),
      ])
      expect(reserve).toEqual(['ok'])
      expect([
        ['ok', 'ok'],
        ['pending_transfer_not_found', 'linked_event_failed'],
      ]).toContainEqual(post)
      const escrowPosted = post[0] === 'ok' ? '49' : '0'
      expect((await balanceOf(r.escrow))?.posted).toBe(escrowPosted)
    }
  })

  it('one id created concurrently with different fields: one is stored, the other refused', async () => {
    const r = await reserved(100n)
    const other = await reserved(100n)
    const id = `same_${r.tag}`
    const results = await Promise.all(
      [r, other].map((x) =>
        run([
          {
            id,
            kind: 'single_phase',
            debitAccountId: x.rail,
            creditAccountId: x.buyer,
            amount: 5n,
            code: 'deposit',
          },
        ]),
      ),
    )
    expect(results.flat().sort()).toEqual(['exists_with_different_fields', 'ok'])
  })

  it('many concurrent payers of one hot account never deadlock and lose nothing', async () => {
    const payers = await Promise.all(Array.from({ length: 8 }, () => reserved(100n)))
    const hot = payers[0]!.escrow
    await Promise.all(
      payers.flatMap((p, i) =>
        [0, 1, 2].map((k) =>
          run([
            {
              id: `hot_${p.tag}_${k}`,
              kind: 'single_phase',
              debitAccountId: p.rail,
              creditAccountId: hot,
              amount: BigInt(i + 1),
              code: 'pay',
            },
            {
              id: `hot2_${p.tag}_${k}`,
              kind: 'single_phase',
              debitAccountId: p.rail,
              creditAccountId: p.escrow,
              amount: 1n,
              code: 'pay',
            },
          ]),
        ),
      ),
    )
    // 3 payments of i+1 from each of the 8 payers
    expect((await balanceOf(hot))?.posted).toBe(String(3 * 36 + 3))
  })
})

describe('what the database itself refuses', () => {
  it('a pending transfer resolved twice, even by a writer that skips the model', async () => {
    const r = await reserved()
    await run([
      { id: `post_${r.tag}`, kind: 'post_pending', pendingId: r.pendingId, code: 'release' },
    ])
    await expect(
      sql`insert into ${sql.id(t.schema)}.ledger_transfers (transfer_id, kind, debit_account_id,
        credit_account_id, amount, pending_id, timeout_seconds, code, linked, at, debit_after,
        credit_after) values (${`void_${r.tag}`}, 'void_pending', ${r.buyer}, ${r.escrow}, 100,
        ${r.pendingId}, 0, 'x', false, now(), '{}', '{}')`.execute(t.db),
    ).rejects.toThrow(/ledger_transfers_resolves_once/)
  })
  it('a changed or deleted transfer', async () => {
    const r = await reserved()
    const s = sql.id(t.schema)
    await expect(
      sql`update ${s}.ledger_transfers set amount = 1 where transfer_id = ${r.pendingId}`.execute(
        t.db,
      ),
    ).rejects.toThrow(/immutable/)
    await expect(
      sql`delete from ${s}.ledger_transfers where transfer_id = ${`dep_${r.tag}`}`.execute(t.db),
    ).rejects.toThrow(/immutable/)
  })
  it('a wallet below zero', async () => {
    const r = await reserved()
    await expect(
      sql`update ${sql.id(t.schema)}.ledger_accounts set debits_posted = 1
        where account_id = ${r.buyer}`.execute(t.db),
    ).rejects.toThrow(/check constraint/)
  })
})

describe('timeouts', () => {
  it('the sweep expires a due reservation exactly once, and then it cannot be posted', async () => {
    const r = await reserved(100n, 30)
    expect(await expireDuePg(t.db, t.schema, new Date(now.getTime() + 29_000))).not.toContain(
      r.pendingId,
    )
    const [first, second] = await Promise.all([
      expireDuePg(t.db, t.schema, new Date(now.getTime() + 30_000)),
      expireDuePg(t.db, t.schema, new Date(now.getTime() + 30_000)),
    ])
    expect([...first, ...second].filter((id) => id === r.pendingId)).toHaveLength(1)
    expect(await balanceOf(r.buyer)).toEqual({ posted: '100', pending: '0' })
    expect(
      await run(
        [{ id: `post_${r.tag}`, kind: 'post_pending', pendingId: r.pendingId, code: 'release' }],
        new Date(now.getTime() + 31_000),
      ),
    ).toEqual(['pending_transfer_expired'])
  })
})
