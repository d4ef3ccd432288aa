import { jetstream } from '@nats-io/jetstream'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { publishEnvelopes } from '@tessera/bus'
import type { AppealFiled, Escrow, VerdictReached } from '@tessera/contracts'
import { type InProcessService, eventually, metadataFor, startInProcess } from '@tessera/testing'
import { escrow } from '../service.ts'
import { EscrowWorld, type WorldAgent, type WorldPact } from '../testing/escrow-world.ts'
import { EscrowDeadlines } from './escrow-deadlines.ts'

/**
 * Jury's verdicts and appeals through the JURY stream: an appealable round-1 verdict is held and
 * settled by the durable scheduler once its window closed; an appeal stops that, charges its fee
 * (to the micro-unit, any shortfall owed) and the round-2 verdict settles, once.
 */
let svc: InProcessService
let w: EscrowWorld

beforeAll(async () => {
  svc = await startInProcess(escrow, {
    env: { ESCROW_SCHEDULER_POLL_SECONDS: '0.5', ESCROW_APPEAL_SETTLE_GRACE_SECONDS: '0' },
  })
  w = await EscrowWorld.start(svc)
  await w.fund(w.buyer, '1000000000')
})
afterAll(() => svc?.stop())

/** Posted (credits − debits) of an account, pending excluded. */
async function posted(accountId: string) {
  const [, debitsPosted, , creditsPosted] = (await w.balances())[accountId]!.split('/').map(BigInt)
  return creditsPosted! - debitsPosted!
}

async function eventTypes(escrowId: string) {
  const { rows } = await sql<{ type: string }>`select type from ${sql.id(svc.schema)}.events
    where stream_id = ${`escrow-${escrowId}`} order by stream_version`.execute(svc.db)
  return rows.map((r) => r.type)
}

function verdict(
  d: { pact: WorldPact; escrowId: string; disputeId: string },
  round: 1 | 2,
  releasePercentage: number,
  appealableUntil: string | null,
): VerdictReached {
  return {
    disputeId: d.disputeId,
    escrowId: d.escrowId,
    pactId: d.pact.pactId,
    releasePercentage,
    votes: [],
    trimmed: [],
    evidenceHash: 'b'.repeat(64),
    judges: [],
    recordHash: 'c'.repeat(64),
    round,
    appealableUntil,
    reachedAt: new Date().toISOString(),
  }
}

function appeal(
  d: { pact: WorldPact; escrowId: string; disputeId: string },
  payer: WorldAgent,
  fee: string,
): AppealFiled {
  return {
    disputeId: d.disputeId,
    escrowId: d.escrowId,
    pactId: d.pact.pactId,
    party: payer.agentId === d.pact.buyer.agentId ? 'buyer' : 'seller',
    byOrgId: payer.orgId,
    feePayerAgentId: payer.agentId,
    fee,
    reason: 'the panel misread the metrics',
    filedAt: new Date().toISOString(),
  }
}

async function fromJury(
  disputeId: string,
  ...events: { type: 'VerdictReached' | 'AppealFiled'; data: unknown }[]
) {
  await publishEnvelopes(
    jetstream(svc.nc),
    'jury',
    events.map((e) => ({ ...e, metadata: metadataFor(`dispute-${disputeId}`) })),
    svc.prefix,
  )
}

const statusOf = async (escrowId: string) =>
  (await w.call<Escrow>('GET', `/v1/escrows/${escrowId}`, w.buyerOrg.member)).body

describe('appeals and settlement', () => {
  it('an appealable round-1 verdict is held, then settled by the scheduler once the window closed', async () => {
    const d = await w.partialDelivery()
    const seller = await posted(`acct_${d.pact.seller.agentId}`)
    const fees = await posted('platform_fees')
    const until = new Date(Date.now() + 2000).toISOString()
    await fromJury(d.disputeId, { type: 'VerdictReached', data: verdict(d, 1, 70, until) })
    await eventually(async () =>
      (await eventTypes(d.escrowId)).includes('VerdictRecorded') ? true : undefined,
    )
    // held, not paid, while an appeal is still possible
    if (Date.now() < Date.parse(until)) expect((await statusOf(d.escrowId)).status).toBe('disputed')
    const settled = await eventually(async () => {
      const e = await statusOf(d.escrowId)
      return e.status === 'settled' ? e : undefined
    })
    expect(settled.settlement).toMatchObject({
      basis: 'verdict',
      sellerAmount: '6930000',
      buyerAmount: '2970000',
      fee: '100000',
    })
    expect((await posted(`acct_${d.pact.seller.agentId}`)) - seller).toBe(6_930_000n)
    expect((await posted('platform_fees')) - fees).toBe(100_000n)
    // the job again, and a redelivered verdict: nothing more
    await svc.service.app.get(EscrowDeadlines).settleDueVerdict(d.escrowId)
    await fromJury(d.disputeId, { type: 'VerdictReached', data: verdict(d, 1, 70, until) })
    await svc.service.app.get(EscrowDeadlines).settleDueVerdict(d.escrowId)
    expect((await eventTypes(d.escrowId)).filter((t) => t === 'EscrowSettled')).toHaveLength(1)
  })

  it('an appeal stops the held settlement and charges its fee; round 2 replaces round 1, once', async () => {
    const d = await w.partialDelivery()
    const buyer = await posted(`acct_${d.pact.buyer.agentId}`)
    const seller = await posted(`acct_${d.pact.seller.agentId}`)
    const fees = await posted('platform_fees')
    const until = new Date(Date.now() + 1500).toISOString()
    await fromJury(
      d.disputeId,
      { type: 'VerdictReached', data: verdict(d, 1, 70, until) },
      { type: 'AppealFiled', data: appeal(d, w.buyer, '250000') },
    )
    await eventually(async () =>
      (await eventTypes(d.escrowId)).includes('AppealFeeCharged') ? true : undefined,
    )
    expect((await posted(`acct_${d.pact.buyer.agentId}`)) - buyer).toBe(-250_000n)
    expect((await posted('platform_fees')) - fees).toBe(250_000n)
    // the window closed: the held job finds the appeal and does nothing
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(until) + 600 - Date.now())))
    await svc.service.app.get(EscrowDeadlines).settleDueVerdict(d.escrowId)
    expect((await statusOf(d.escrowId)).status).toBe('disputed')
    await fromJury(d.disputeId, { type: 'VerdictReached', data: verdict(d, 2, 37.5, null) })
    const settled = await eventually(async () => {
      const e = await statusOf(d.escrowId)
      return e.status === 'settled' ? e : undefined
    })
    // 10 USDC: 1% fee 100000; seller floor(9900000 × 37.5%) = 3712500; buyer 6187500
    expect(settled.settlement).toMatchObject({
      sellerAmount: '3712500',
      buyerAmount: '6187500',
      fee: '100000',
    })
    expect((await posted(`acct_${d.pact.seller.agentId}`)) - seller).toBe(3_712_500n)
    // the buyer paid 10 USDC into the lock (posted out), the fee, and got 6187500 back
    expect((await posted(`acct_${d.pact.buyer.agentId}`)) - buyer).toBe(
      -10_000_000n - 250_000n + 6_187_500n,
    )
    expect((await posted('platform_fees')) - fees).toBe(350_000n)
    await svc.service.app.get(EscrowDeadlines).settleDueVerdict(d.escrowId)
    expect((await eventTypes(d.escrowId)).filter((t) => t === 'EscrowSettled')).toHaveLength(1)
  })

  it('a round-2 verdict overtaking its appeal still settles once and the appeal is still charged', async () => {
    const d = await w.partialDelivery()
    const until = new Date(Date.now() + 60_000).toISOString()
    await fromJury(
      d.disputeId,
      { type: 'VerdictReached', data: verdict(d, 1, 70, until) },
      { type: 'VerdictReached', data: verdict(d, 2, 20, null) },
      { type: 'AppealFiled', data: appeal(d, w.buyer, '250000') },
    )
    const types = await eventually(async () => {
      const t = await eventTypes(d.escrowId)
      return t.includes('AppealFeeCharged') ? t : undefined
    })
    expect(types.slice(-3)).toEqual(['VerdictRecorded', 'EscrowSettled', 'AppealFeeCharged'])
    // 20% of the 9900000 left after the fee
    expect((await statusOf(d.escrowId)).settlement).toMatchObject({
      sellerAmount: '1980000',
      buyerAmount: '7920000',
    })
  })

  it('an appellant short of the fee pays what its wallet holds; the rest is owed, the appeal heard', async () => {
    const d = await w.partialDelivery()
    const sellerAcct = `acct_${d.pact.seller.agentId}`
    await w.fund(w.seller, '100000')
    const held = await posted(sellerAcct)
    const fees = await posted('platform_fees')
    const until = new Date(Date.now() + 60_000).toISOString()
    await fromJury(
      d.disputeId,
      { type: 'VerdictReached', data: verdict(d, 1, 70, until) },
      { type: 'AppealFiled', data: appeal(d, w.seller, String(held + 150_000n)) },
    )
    await eventually(async () =>
      (await eventTypes(d.escrowId)).includes('AppealFeeCharged') ? true : undefined,
    )
    const { rows } = await sql<{ data: { charged: string; owed: string } }>`select data
      from ${sql.id(svc.schema)}.events where stream_id = ${`escrow-${d.escrowId}`}
      and type = 'AppealFeeCharged'`.execute(svc.db)
    expect(rows[0]!.data).toMatchObject({ charged: String(held), owed: '150000' })
    expect(await posted(sellerAcct)).toBe(0n)
    expect((await posted('platform_fees')) - fees).toBe(held)
    expect((await statusOf(d.escrowId)).status).toBe('disputed')
  })
})
