import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type Escrow,
  type PactTerms,
  type TrustExplanation,
  type TrustProfile,
  TesseraError,
  pactHash,
  signPact,
  verifyRoom,
} from '@tessera/sdk'
import { Telemetry } from '@tessera/telemetry'
import { eventually } from '@tessera/testing'
// The scripted OpenAI-compatible server jury's own tests use: a stand-in for the judges' LLMs.
// eslint-disable-next-line no-restricted-imports -- a test kit, as e2e/dispute-settlement.int.spec.ts
import { OpenAiStub, voteJson } from '@tessera/jury-service/src/testing/openai-stub.ts'
import { type E2eInfra, type RunningStack, startInfra, startStack } from './src/index.ts'
import { type TradeAgent, type TradeOrg, TradeWorld, whenKnown } from './src/trade-world.ts'

// Issue 15's eight trade scenarios, each through the gateway with @tessera/sdk, on one stack.
// The stack runs with short windows so outcomes are seen in seconds: jury sits at once (no
// response window) and appeals are off (round 1 settles at once), schedulers poll every 0.5 s,
// and the grace rule's 48 h is 8 s (ESCROW_DEADLINE_GRACE_SECONDS, docs/escrow.md).
//
// The panel: the rules judge plus four scripted LLM seats voting the reference's 55, 65, 60,
// 70. A partial delivery with 3 of 5 conditions holding gets 60 from the rules judge, so the
// trimmed median of [55, 60, 60, 65, 70] is the reference's 60. A buyer disputing because it
// "changed its mind" gets 90 from the LLM seats (the rules judge votes 0 on a failed
// completion, and is trimmed): the seller's favour, for scenario 8.

const GRACE_SECONDS = 8
const CHANGED_MIND = 'I changed my mind about the scope'
const STUB_VOTES: Record<string, number> = { s55: 55, s65: 65, s60: 60, s70: 70 }

let infra: E2eInfra
let stack: RunningStack
let stub: OpenAiStub
let w: TradeWorld
let buyers: TradeOrg
let sellers: TradeOrg

// A loaded machine may take minutes to boot eight processes: TESSERA_E2E_READY_SECONDS bounds it.
beforeAll(async () => {
  stub = await OpenAiStub.start((req) => {
    const prompt = req.messages.map((m) => m.content).join('\n')
    return { content: voteJson(prompt.includes(CHANGED_MIND) ? 90 : (STUB_VOTES[req.model] ?? 0)) }
  })
  infra = await startInfra()
  const judges = [
    { id: 'rules', provider: 'rules' },
    ...Object.keys(STUB_VOTES).map((m) => ({
      id: m,
      provider: 'openai-compatible',
      model: m,
      baseURL: stub.baseURL,
    })),
  ]
  stack = await startStack(infra, {
    env: {
      escrow: {
        ESCROW_SCHEDULER_POLL_SECONDS: '0.5',
        ESCROW_DEADLINE_GRACE_SECONDS: String(GRACE_SECONDS),
      },
      jury: {
        JURY_JUDGES: JSON.stringify(judges),
        JURY_RESPONSE_WINDOW_SECONDS: '0',
        JURY_APPEAL_WINDOW_SECONDS: '0',
        JURY_SCHEDULER_POLL_SECONDS: '0.5',
      },
    },
  })
  w = await TradeWorld.start(stack, infra)
  ;[buyers, sellers] = await Promise.all([w.org('Buyer Org'), w.org('Seller Org')])
}, 600_000)

afterAll(async () => {
  await w?.close()
  await stack?.stop()
  await infra?.dispose()
  await stub?.stop()
})

/** What a trade moves: the buyer's and seller's available µUSDC and the platform's fees. */
async function money(buyer: TradeAgent, seller: TradeAgent) {
  const [b, s, fees] = await Promise.all([
    w.available(buyer),
    w.available(seller),
    w.platformFees(),
  ])
  return { buyer: b, seller: s, fees }
}

/** The public profile once `ok` holds (scoring follows the bus; a bound, not a sleep). */
function profileWhen(a: TradeAgent, ok: (p: TrustProfile) => boolean, what: string) {
  return eventually(
    async () => {
      const p = await a.org.client.trust.get(a.id)
      return ok(p) ? p : undefined
    },
    { what, timeoutMs: 45_000, intervalMs: 250 },
  )
}

/** The profile once scoring holds the agent's evidence up to `at` (an event's time). */
const scoredUpTo = (a: TradeAgent, at: string, what: string) =>
  profileWhen(a, (p) => p.scoreUpdatedAt >= at, what)

/** Points of `rule` in `dimension` of the explanation. */
const points = (
  x: TrustExplanation,
  dimension: keyof TrustExplanation['dimensions'],
  rule: string,
) => x.dimensions[dimension].contributions.filter((c) => c.rule === rule).map((c) => c.points)

/** The room's entry types once `type` is among them. */
async function roomWith(a: TradeAgent, pactId: string, type: string) {
  return eventually(
    async () => {
      const room = await a.org.client.rooms.export(pactId)
      return room.entries.some((e) => e.type === type) ? room : undefined
    },
    { what: `${type} in the room of ${pactId}`, timeoutMs: 30_000, intervalMs: 250 },
  )
}

const sections = ['summary', 'base', 'bull', 'bear', 'sensitivity'] as const
/** The reference's DCF deliverable: one condition per section. */
const sectionConditions: PactTerms['conditions'] = sections.map((s) => ({
  kind: 'deliverable',
  name: s,
  when: { path: `/deliverable/sections/${s}`, op: 'exists' },
}))
const report = (...present: string[]) => ({
  sections: Object.fromEntries(present.map((s) => [s, `${s} tables`])),
})

describe('the trade, end to end through the gateway', () => {
  it('1. happy path: negotiated, locked, verified, delivered, released minus 0.5%, scored, room verifies', async () => {
    const buyer = await w.agent(buyers, 'buyer-1')
    const seller = await w.agent(sellers, 'seller-1')
    await w.fund(buyer, '50')
    const before = await money(buyer, seller)
    const sellerBefore = await profileWhen(seller, () => true, "the seller's first profile")

    const terms = w.terms(buyer, seller)
    const proposed = await whenKnown(() =>
      buyers.client.pacts.propose({ terms, signature: signPact(terms, buyer.keys.secretKey) }),
    )
    expect(proposed).toMatchObject({ status: 'proposed', pactHash: pactHash(terms) })
    const active = await sellers.client.pacts.accept({
      pactId: proposed.pactId,
      pactHash: pactHash(terms),
      signature: signPact(terms, seller.keys.secretKey),
    })
    expect(active.status).toBe('active')
    expect(active.signatures).toEqual({
      buyer: signPact(terms, buyer.keys.secretKey),
      seller: signPact(terms, seller.keys.secretKey),
    })

    const locked = await w.lock(buyer, seller, active.pactId, terms)
    expect(locked).toMatchObject({ status: 'locked', amount: '10000000' })
    expect(await w.available(buyer)).toBe(before.buyer - 10_000_000n)
    const checked = await sellers.client.escrow.verify({
      escrowId: locked.escrowId,
      expectedPactId: active.pactId,
      minAmountUsdc: 10,
    })
    // the seller's own check, as the reference's worker does it
    expect(checked.conditionHash).toBe((await sellers.client.pacts.get(active.pactId)).pactHash)

    const delivered = await w.deliver(seller, locked.escrowId, active.pactId, report(...sections), {
      accuracy: 0.97,
    })
    expect(delivered.verification).toBe('pass')
    const done = await buyers.client.escrow.pollSettlement(locked.escrowId, {
      timeoutMs: 30_000,
      pollIntervalMs: 250,
    })
    expect(done).toMatchObject({
      status: 'released',
      settlement: { basis: 'release', sellerAmount: '9950000', fee: '50000' },
    })
    const after = await money(buyer, seller)
    expect(after.buyer - before.buyer).toBe(-10_000_000n)
    expect(after.seller - before.seller).toBe(9_950_000n)
    expect(after.fees - before.fees).toBe(50_000n)

    const sellerAfter = await scoredUpTo(
      seller,
      done.settlement!.at,
      "the release in the seller's profile",
    )
    expect(sellerAfter).toMatchObject({
      tasksCompleted90d: 1,
      agentId: seller.did,
      fulfillmentRate90d: 1,
      incidentCount90d: 0,
      pacts: [{ pactId: active.pactId, capability: 'financial-analysis', taskCount: 1 }],
    })
    expect(sellerAfter.scoreBreakdown.reliability).toBe(sellerBefore.scoreBreakdown.reliability + 1)
    expect(sellerAfter.compositeScore).toBeGreaterThan(sellerBefore.compositeScore)
    const buyerAfter = await scoredUpTo(
      buyer,
      done.settlement!.at,
      "the trade in the buyer's profile",
    )
    expect(buyerAfter.buyerReputation).toMatchObject({ disputesFiled: 0 })

    // the room, verified offline with the key set it ships with
    const room = await roomWith(buyer, active.pactId, 'EscrowReleased')
    expect(room.entries.map((e) => e.type)).toEqual(
      expect.arrayContaining(['PactProposed', 'PactAccepted', 'EscrowCreated', 'EscrowReleased']),
    )
    expect(verifyRoom(room, room.keys!)).toMatchObject({ valid: true, problems: [] })
    const forged = structuredClone(room)
    forged.entries[0]!.type = 'PactRejected'
    expect(verifyRoom(forged, room.keys!).valid).toBe(false)
  })

  it('2. a counter-proposal on price, then accepted: the pact and the escrow carry the countered price', async () => {
    const buyer = await w.agent(buyers, 'buyer-2')
    const seller = await w.agent(sellers, 'seller-2')
    await w.fund(buyer, '20')
    const terms = w.terms(buyer, seller, { payment: { amount: '12000000', currency: 'USDC' } })
    const proposed = await whenKnown(() =>
      buyers.client.pacts.propose({ terms, signature: signPact(terms, buyer.keys.secretKey) }),
    )
    const amended: PactTerms = { ...terms, payment: { amount: '10500000', currency: 'USDC' } }
    const countered = await sellers.client.pacts.counter({
      pactId: proposed.pactId,
      amendedTerms: amended,
      signature: signPact(amended, seller.keys.secretKey),
    })
    expect(countered).toMatchObject({ status: 'proposed', pactHash: pactHash(amended) })
    // the buyer cannot accept its own first price any more
    await expect(
      buyers.client.pacts.accept({
        pactId: proposed.pactId,
        pactHash: pactHash(terms),
        signature: signPact(terms, buyer.keys.secretKey),
      }),
    ).rejects.toMatchObject({ code: 'PACT_HASH_STALE' })
    const active = await buyers.client.pacts.accept({
      pactId: proposed.pactId,
      pactHash: pactHash(amended),
      signature: signPact(amended, buyer.keys.secretKey),
    })
    expect(active).toMatchObject({
      status: 'active',
      pactHash: pactHash(amended),
      terms: { payment: { amount: '10500000' } },
    })
    expect(active.rounds).toHaveLength(2)

    const before = await money(buyer, seller)
    const locked = await w.lock(buyer, seller, active.pactId, amended)
    expect(locked).toMatchObject({ amount: '10500000', conditionHash: pactHash(amended) })
    await sellers.client.escrow.verify({
      escrowId: locked.escrowId,
      expectedPactId: active.pactId,
      expectedAmount: '10500000',
    })
    await w.deliver(seller, locked.escrowId, active.pactId, report('summary'), { accuracy: 0.95 })
    const done = await buyers.client.escrow.pollSettlement(locked.escrowId, {
      timeoutMs: 30_000,
      pollIntervalMs: 250,
    })
    // floor(10.5 USDC × 0.5%) = 52500
    expect(done.settlement).toMatchObject({ sellerAmount: '10447500', fee: '52500' })
    const after = await money(buyer, seller)
    expect(after.buyer - before.buyer).toBe(-10_500_000n)
    expect(after.seller - before.seller).toBe(10_447_500n)
    expect(after.fees - before.fees).toBe(52_500n)
  })

  it('3. partial delivery: an automatic dispute, the jury splits 60/40 after the 1% fee, the seller is penalised', async () => {
    const buyer = await w.agent(buyers, 'buyer-3')
    const seller = await w.agent(sellers, 'seller-3')
    await w.fund(buyer, '20')
    const before = await money(buyer, seller)
    const terms = w.terms(buyer, seller, { conditions: sectionConditions })
    // the bear scenario and the sensitivity tables are missing: 3 of 5 conditions hold
    const { pact, escrow } = await w.trade(buyer, seller, terms, {
      deliverable: report('summary', 'base', 'bull'),
      metrics: { accuracy: 0.95 },
    })
    expect(escrow).toMatchObject({ verification: 'partial', status: 'disputed' })
    expect(escrow.results.filter((r) => r.passed)).toHaveLength(3)
    const disputeId = escrow.disputeId!
    const settled = await w.escrowWhen(
      buyer,
      escrow.escrowId,
      (e) => e.status === 'settled',
      'the verdict settled',
    )
    // 10 USDC: fee 100000 first; seller floor(9900000 × 60%) = 5940000; buyer the rest
    expect(settled.settlement).toMatchObject({
      basis: 'verdict',
      fee: '100000',
      sellerAmount: '5940000',
      buyerAmount: '3960000',
    })
    const after = await money(buyer, seller)
    expect(after.buyer - before.buyer).toBe(-10_000_000n + 3_960_000n)
    expect(after.seller - before.seller).toBe(5_940_000n)
    expect(after.fees - before.fees).toBe(100_000n)

    const dispute = await sellers.client.disputes.get(disputeId)
    expect(dispute).toMatchObject({ pactId: pact.pactId, claimant: 'buyer', disputedBy: 'system' })
    expect(dispute.verdict?.releasePercentage).toBe(60)
    const round = (await buyers.client.disputes.record(disputeId)).rounds.at(-1)!
    const panel = round.panels.at(-1)!
    // the rules judge found 3 of 5 conditions; the scripted seats voted the reference's spread
    expect(panel.ballots.find((b) => b.provider === 'rules')?.vote?.releasePercentage).toBe(60)
    expect(panel.aggregation?.sorted.map((v) => v.releasePercentage)).toEqual([55, 60, 60, 65, 70])
    expect(panel.aggregation).toMatchObject({ median: 60, trimPerSide: 1 })
    expect(round.split).toEqual({
      amount: '10000000',
      fee: '100000',
      sellerAmount: '5940000',
      buyerAmount: '3960000',
    })

    // the reference's penalty for a lost partial dispute: accuracy −3, scope honesty −6
    const profile = await scoredUpTo(seller, settled.settlement!.at, 'the lost dispute')
    expect(profile.incidentCount90d).toBe(1)
    const why = await sellers.client.trust.explain(seller.id)
    expect(points(why, 'accuracy', 'lost_partial_dispute')).toEqual([-3])
    expect(points(why, 'scopeHonesty', 'lost_partial_dispute')).toEqual([-6])
    expect(points(why, 'accuracy', 'completion_partial')).toEqual([-2])
    expect(profile.scoreBreakdown.scopeHonesty).toBe(64)
    expect(profile.scoreBreakdown.accuracy).toBe(65)
  })

  it('4. the deadline passes with no completion: refund, and DeadlineMissed costs reliability 8', async () => {
    const buyer = await w.agent(buyers, 'buyer-4')
    const seller = await w.agent(sellers, 'seller-4')
    await w.fund(buyer, '20')
    const before = await money(buyer, seller)
    const terms = w.terms(buyer, seller, {
      deadlineUtc: new Date(Date.now() + 6_000).toISOString(),
    })
    const pact = await w.register(buyer, seller, terms)
    const locked = await w.lock(buyer, seller, pact.pactId, terms)
    await sellers.client.escrow.verify({
      escrowId: locked.escrowId,
      expectedPactId: pact.pactId,
      expectedAmount: terms.payment.amount,
    })
    expect(await w.available(buyer)).toBe(before.buyer - 10_000_000n)
    // the seller never delivers, and was never seen alive: no grace
    const done = await buyers.client.escrow.pollSettlement(locked.escrowId, {
      timeoutMs: 30_000,
      pollIntervalMs: 250,
    })
    expect(done.status).toBe('refunded')
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(terms.deadlineUtc))
    expect(done.deadlineUtc).toBe(terms.deadlineUtc)
    expect(await money(buyer, seller)).toEqual(before)

    const room = await roomWith(buyer, pact.pactId, 'EscrowRefunded')
    expect(room.entries.map((e) => e.type)).toContain('DeadlineMissed')
    expect(room.entries.map((e) => e.type)).not.toContain('EscrowDeadlineExtended')
    const profile = await scoredUpTo(seller, done.settlement!.at, 'the missed deadline')
    expect(profile.incidentCount90d).toBe(1)
    expect(profile.scoreBreakdown.reliability).toBe(62)
    expect(profile.scoreBreakdown.latency).toBe(65)
    expect(profile.fulfillmentRate90d).toBe(0)
    const why = await sellers.client.trust.explain(seller.id)
    expect(points(why, 'reliability', 'deadline_missed')).toEqual([-8])
  })

  it('5. pact substitution: an escrow whose condition hash is not the pact’s is refused, and the seller declines another pact’s escrow', async () => {
    const buyer = await w.agent(buyers, 'buyer-5')
    const seller = await w.agent(sellers, 'seller-5')
    await w.fund(buyer, '20')
    const before = await money(buyer, seller)
    const terms = w.terms(buyer, seller)
    const pact = await w.register(buyer, seller, terms)
    // the buyer locks against terms the seller never signed (no accuracy condition)
    const swapped: PactTerms = { ...terms, conditions: [] }
    const refused = await whenKnown(() =>
      buyers.client.escrow.create({
        pactId: pact.pactId,
        amount: terms.payment.amount,
        conditionHash: pactHash(swapped),
      }),
    ).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(TesseraError)
    expect(refused).toMatchObject({ code: 'CONDITION_HASH_MISMATCH', status: 409 })
    expect(await money(buyer, seller)).toEqual(before)

    // a cheaper pact between the same two, escrowed, and passed off as the first
    const cheap = w.terms(buyer, seller, { payment: { amount: '1000000', currency: 'USDC' } })
    const cheapPact = await w.register(buyer, seller, cheap)
    const locked = await w.lock(buyer, seller, cheapPact.pactId, cheap)
    // the seller checks the escrow against the pact it signed, and declines
    const check = (expectedPactId: string) =>
      sellers.client.escrow
        .verify({ escrowId: locked.escrowId, expectedPactId, expectedAmount: terms.payment.amount })
        .catch((e: unknown) => e)
    expect(await check(pact.pactId)).toMatchObject({ code: 'PACT_MISMATCH', status: 409 })
    expect(await check(cheapPact.pactId)).toMatchObject({ code: 'AMOUNT_MISMATCH', status: 409 })
    const after = await money(buyer, seller)
    expect(after.seller).toBe(before.seller)
    expect(after.fees).toBe(before.fees)
    expect(after.buyer).toBe(before.buyer - 1_000_000n) // only the cheap pact's lock
  })

  it('6. the seller goes silent: seen alive → one grace, refund at its end; silent → refund at the deadline', async () => {
    const buyer = await w.agent(buyers, 'buyer-6')
    const alive = await w.agent(sellers, 'seller-6-alive')
    const silent = await w.agent(sellers, 'seller-6-silent')
    await w.fund(buyer, '30')
    const deadline = new Date(Date.now() + 12_000).toISOString()
    const open = async (seller: TradeAgent) => {
      const terms = w.terms(buyer, seller, { deadlineUtc: deadline })
      const pact = await w.register(buyer, seller, terms)
      return { pact, escrow: await w.lock(buyer, seller, pact.pactId, terms) }
    }
    const [a, s] = await Promise.all([open(alive), open(silent)])
    const before = await w.available(buyer)

    // a heartbeat: a telemetry session of the alive seller after the lock, before the deadline
    const sessionId = `heartbeat-${alive.id}`
    const tel = new Telemetry({
      apiKey: sellers.memberKey,
      baseUrl: stack.gatewayUrl,
      flushIntervalMs: 50,
    })
    await eventually(
      async () => {
        tel.sessionStart({ sessionId, agentId: alive.id, startedAt: new Date().toISOString() })
        await tel.flush()
        const res = await fetch(`${stack.gatewayUrl}/v1/telemetry/sessions/${sessionId}`, {
          headers: { authorization: `Bearer ${sellers.memberKey}` },
        })
        return res.status === 200 && ((await res.json()) as { items: unknown[] }).items.length > 0
          ? true
          : undefined
      },
      { what: 'the heartbeat at ingest', timeoutMs: 20_000, intervalMs: 500 },
    )
    await tel.close()
    expect(Date.now()).toBeLessThan(Date.parse(deadline))

    const silentDone = await buyers.client.escrow.pollSettlement(s.escrow.escrowId, {
      timeoutMs: 30_000,
      pollIntervalMs: 250,
    })
    expect(silentDone).toMatchObject({ status: 'refunded', deadlineUtc: deadline })
    // at the same deadline the alive seller's escrow is still locked, its deadline moved once
    const graceEnd = new Date(Date.parse(deadline) + GRACE_SECONDS * 1000).toISOString()
    const extended = await w.escrowWhen(
      buyer,
      a.escrow.escrowId,
      (e) => e.deadlineUtc !== deadline,
      'the grace',
    )
    expect(extended).toMatchObject({ status: 'locked', deadlineUtc: graceEnd })
    expect(await w.available(buyer)).toBe(before + 10_000_000n)

    const aliveDone: Escrow = await buyers.client.escrow.pollSettlement(a.escrow.escrowId, {
      timeoutMs: 30_000,
      pollIntervalMs: 250,
    })
    expect(aliveDone).toMatchObject({ status: 'refunded', deadlineUtc: graceEnd })
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(graceEnd))
    expect(await w.available(buyer)).toBe(before + 20_000_000n)
    const types = (await roomWith(buyer, a.pact.pactId, 'EscrowRefunded')).entries.map(
      (e) => e.type,
    )
    expect(types.slice(types.indexOf('EscrowDeadlineExtended'))).toEqual(
      expect.arrayContaining(['EscrowDeadlineExtended', 'DeadlineMissed', 'EscrowRefunded']),
    )
    const silentTypes = (await roomWith(buyer, s.pact.pactId, 'EscrowRefunded')).entries.map(
      (e) => e.type,
    )
    expect(silentTypes).not.toContain('EscrowDeadlineExtended')
  })

  it('7. score gaming: a same-org ring trading uniform amounts is flagged and its trades count for nothing', async () => {
    const ring = await w.org('Ring Org')
    const a = await w.agent(ring, 'ring-a')
    const b = await w.agent(ring, 'ring-b')
    await w.fund(a, '40')
    const fees = await w.platformFees()
    // five trades of 5 USDC, each delivered at once: the anomaly rules' minimum
    const trades = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const terms = w.terms(a, b, { payment: { amount: '5000000', currency: 'USDC' } })
        const { escrow } = await w.trade(a, b, terms, {
          deliverable: report('summary'),
          metrics: { accuracy: 0.99 },
        })
        return w.escrowWhen(a, escrow.escrowId, (e) => e.status === 'released', 'a release')
      }),
    )
    // real money moved all the same: self-dealing pays its fees
    expect((await w.platformFees()) - fees).toBe(5n * 25_000n)
    const lastRelease = trades
      .map((t) => t.settlement!.at)
      .sort()
      .at(-1)!

    const seller = await scoredUpTo(b, lastRelease, "the ring's trades in the seller's profile")
    expect(seller.orgUnderReview).toBe(true)
    expect(seller.anomalyFlags.map((f) => f.escrowId).sort()).toEqual(
      trades.map((t) => t.escrowId).sort(),
    )
    for (const f of seller.anomalyFlags) {
      expect(f.counterpartyAgentId).toBe(a.id)
      expect(f.signals).toEqual(expect.arrayContaining(['same_org', 'uniform_amounts']))
    }
    // excluded: five releases and no task, no fulfilment, no point for them
    expect(seller.tasksCompleted90d).toBe(0)
    expect(seller.scoreBreakdown.reliability).toBe(70)
    const why = await ring.client.trust.explain(b.id)
    expect(why.excluded.filter((x) => x.reason.startsWith('flagged trade'))).toHaveLength(5)
    expect(points(why, 'reliability', 'escrow_released')).toEqual([])
    const buyer = await scoredUpTo(a, lastRelease, "the ring's trades in the buyer's profile")
    expect(buyer.anomalyFlags).toHaveLength(5)
    expect(buyer.orgUnderReview).toBe(true)
  })

  it('8. a buyer whose disputes mostly resolve for the seller is flagged as frivolous', async () => {
    const buyer = await w.agent(buyers, 'buyer-8')
    const seller = await w.agent(sellers, 'seller-8')
    await w.fund(buyer, '30')
    const before = await money(buyer, seller)
    // amounts spread out, so the edge raises no uniform-amounts signal: five honest-looking trades
    const amounts = [2_000_000n, 3_000_000n, 4_000_000n, 5_000_000n, 6_000_000n]
    const settled = await Promise.all(
      amounts.map(async (amount) => {
        const terms = w.terms(buyer, seller, {
          payment: { amount: String(amount), currency: 'USDC' },
        })
        const { escrow } = await w.trade(buyer, seller, terms, {
          deliverable: report('summary'),
          metrics: { accuracy: 0.5 },
        })
        expect(escrow).toMatchObject({ verification: 'fail', status: 'locked' })
        await buyers.client.escrow.dispute({
          escrowId: escrow.escrowId,
          disputedBy: buyer.id,
          reason: CHANGED_MIND,
          evidence: [],
        })
        return w.escrowWhen(buyer, escrow.escrowId, (e) => e.status === 'settled', 'a verdict')
      }),
    )
    // the panel released 90% of what the 1% fee left: the seller's favour each time
    let sellerGot = 0n
    let fee = 0n
    for (const [i, e] of settled.entries()) {
      const f = amounts[i]! / 100n
      const s = ((amounts[i]! - f) * 9_000n) / 10_000n
      expect(e.settlement).toMatchObject({
        basis: 'verdict',
        fee: String(f),
        sellerAmount: String(s),
      })
      sellerGot += s
      fee += f
    }
    const after = await money(buyer, seller)
    expect(after.seller - before.seller).toBe(sellerGot)
    expect(after.fees - before.fees).toBe(fee)
    expect(after.buyer - before.buyer).toBe(-sellerGot - fee)

    const lastSettled = settled
      .map((e) => e.settlement!.at)
      .sort()
      .at(-1)!
    const profile = await scoredUpTo(buyer, lastSettled, "the buyer's resolved disputes")
    expect(profile.buyerReputation).toEqual({
      disputesFiled: 5,
      disputesResolved: 5,
      sellerFavouredShare: 1,
      frivolousDisputeFlag: true,
    })
    expect(profile.anomalyFlags).toEqual([])
    const evaluation = await sellers.client.trust.evaluate(buyer.id, {
      policy: { rejectAnomalies: true },
    })
    expect(evaluation.approved).toBe(false)
    expect(evaluation.reasons).toContain('Agent is flagged for frivolous disputes')
  })
})
