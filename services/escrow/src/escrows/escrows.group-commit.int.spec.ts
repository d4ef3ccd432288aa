import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Escrow } from '@tessera/contracts'
import { signCompletion } from '@tessera/crypto'
import { type InProcessService, expectRebuildEqualsLive, startInProcess } from '@tessera/testing'
import { escrow } from '../service.ts'
import { EscrowWorld, type WorldPact } from '../testing/escrow-world.ts'
import { escrowsProjection } from './escrows.projection.ts'

/**
 * Creates and completions that arrive together share one transaction (a group commit). These
 * specs send many at once and check that each caller still gets its own answer: a refusal,
 * a ledger refusal or a lost race fails that caller alone, the others' money moves once, and
 * the rows written for a group are the rows a replay of the log writes.
 */
let svc: InProcessService
let w: EscrowWorld

beforeAll(async () => {
  svc = await startInProcess(escrow)
  w = await EscrowWorld.start(svc)
  await w.fund(w.buyer, '1000000000')
})
afterAll(() => svc?.stop())

const create = (pact: WorldPact, over: Record<string, unknown> = {}) =>
  w.call<Escrow>('POST', '/v1/escrows', w.buyerOrg.member, {
    pactId: pact.pactId,
    amount: pact.amount,
    conditionHash: pact.pactHash,
    ...over,
  })

/** How many escrows each transaction that created escrows created. */
async function escrowsPerTransaction(escrowIds: string[]) {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n
    from ${sql.id(svc.schema)}.events
    where type = 'EscrowCreated' and stream_id = any(${escrowIds.map((id) => `escrow-${id}`)})
    group by transaction_id`.execute(svc.db)
  return rows.map((r) => r.n)
}

const walletOf = async (agentId: string) =>
  (await w.balances())[`acct_${agentId}`]!.split('/').map((v) => BigInt(v))

describe('group commit of creates and completions', () => {
  it('answers each of 30 concurrent creates on its own: refusals alone, the rest locked once', async () => {
    const [poor] = await w.pairs(1)
    await w.fund(poor!.buyer, '1000')
    const good = await w.pacts(27)
    const [mismatched, unaffordable] = [
      await w.pact(),
      await w.pact({ buyer: poor!.buyer, seller: poor!.seller }),
    ]
    const before = await walletOf(w.buyer.agentId)

    const answers = await Promise.all([
      ...good.map((p) => create(p)),
      // the pact-substitution attack: another pact's hash
      create(mismatched, { conditionHash: good[1]!.pactHash }),
      create(unaffordable),
      create(good[0]!),
    ])

    const codes = answers.map((a) => (a.status === 201 ? 'locked' : String(a.body['code'])))
    expect(codes.slice(27)).toEqual([
      'CONDITION_HASH_MISMATCH',
      'INSUFFICIENT_FUNDS',
      'ESCROW_EXISTS',
    ])
    // the duplicate of good[0] may have been the one that won: one of the two is locked
    const firstTwice = [codes[0], codes[29]].sort()
    expect(firstTwice).toEqual(['ESCROW_EXISTS', 'locked'])
    expect(codes.slice(1, 27).every((c) => c === 'locked')).toBe(true)
    const lockedIds = answers.filter((a) => a.status === 201).map((a) => a.body.escrowId)
    expect(lockedIds).toHaveLength(27)
    for (const a of answers.filter((x) => x.status === 201)) {
      expect(a.body).toMatchObject({ status: 'locked', network: 'internal' })
    }

    // each locked escrow's money was reserved once; the refused ones moved nothing
    const after = await walletOf(w.buyer.agentId)
    expect(after[0]! - before[0]!).toBe(27n * BigInt(good[0]!.amount))
    expect(await walletOf(poor!.buyer.agentId)).toEqual([0n, 0n, 0n, 1000n])
    // and the creates did share transactions
    const perTx = await escrowsPerTransaction(lockedIds)
    expect(perTx.reduce((a, b) => a + b, 0)).toBe(27)
    expect(Math.max(...perTx)).toBeGreaterThan(1)
  })

  it('releases 20 concurrent completions once each, with the same rows a replay writes', async () => {
    const pacts = await w.pacts(20)
    const locked = await Promise.all(pacts.map((p) => create(p)))
    const fees0 = (await w.balances())['platform_fees']!
    const deliverable = { rows: 12 }
    const signed = signCompletion(deliverable, w.seller.keys.secretKey)
    const completions = locked.map((l, i) =>
      w.call<Escrow>('POST', `/v1/escrows/${l.body.escrowId}/completion`, w.sellerOrg.member, {
        pactId: pacts[i]!.pactId,
        deliverable,
        ...signed,
        completionTimeUtc: new Date().toISOString(),
        executionMetrics: { accuracy: 0.97 },
      }),
    )
    // and one completion sent twice, racing itself inside a group
    const twice = w.call<Escrow>(
      'POST',
      `/v1/escrows/${locked[0]!.body.escrowId}/completion`,
      w.sellerOrg.member,
      {
        pactId: pacts[0]!.pactId,
        deliverable,
        ...signed,
        completionTimeUtc: new Date().toISOString(),
        executionMetrics: { accuracy: 0.97 },
      },
    )
    const answers = await Promise.all([...completions, twice])
    expect(answers.slice(0, 20).every((a) => a.status === 200 || a.status === 409)).toBe(true)
    const released = answers.filter((a) => a.status === 200)
    expect(released).toHaveLength(20)
    for (const a of released) expect(a.body.status).toBe('released')
    expect(answers.filter((a) => a.status === 409).map((a) => a.body['code'])).toHaveLength(1)

    const { rows } = await sql<{ n: number }>`select count(*)::int as n
      from ${sql.id(svc.schema)}.events where type = 'EscrowReleased'
        and stream_id = any(${locked.map((l) => `escrow-${l.body.escrowId}`)})`.execute(svc.db)
    expect(rows[0]!.n).toBe(20)
    // 0.5% of each 10 USDC, once each
    const fee = (b: string) => BigInt(b.split('/')[3]!)
    expect(fee((await w.balances())['platform_fees']!) - fee(fees0)).toBe(20n * 50_000n)
    await expectRebuildEqualsLive(svc.db, svc.schema, [escrowsProjection])
  })
})
