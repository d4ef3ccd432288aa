import { describe, expect, it } from 'vitest'
import type { Evidence } from './evidence.ts'
import {
  DAY_MS,
  DIMENSION_BASE,
  MODEL_VERSION,
  NEUTRAL,
  POSITIVE_CAP,
  computeProfile,
  decayed,
  scoreNewOrg,
} from './trust-model.ts'

const SELLER = 'agt_seller000000000000000000000'
const BUYER = 'agt_buyer0000000000000000000000'
const T0 = Date.parse('2026-10-01T00:00:00.000Z')
const at = (days: number) => new Date(T0 + days * DAY_MS).toISOString()
let n = 0
const id = () => `ev-${String(++n).padStart(6, '0')}`

function escrow(e: string, day: number, extra: Partial<Evidence> = {}): Evidence {
  return {
    kind: 'escrow',
    id: id(),
    at: at(day),
    key: e,
    escrowId: e,
    pactId: 'pact_1',
    buyer: BUYER,
    buyerOrg: 'org_b',
    seller: SELLER,
    sellerOrg: 'org_s',
    amount: '50000000',
    deadline: at(day + 1),
    ...extra,
  } as Evidence
}
const on = (e: string, day: number, ev: Record<string, unknown>) =>
  ({ id: id(), at: at(day), key: e, escrowId: e, ...ev }) as Evidence

function profile(evidence: Evidence[], agentId = SELLER) {
  return computeProfile({ agentId, evidence, flagged: new Map() })
}

describe('trust model', () => {
  it('starts a new org at the neutral score and says why', () => {
    const s = scoreNewOrg({ createdAt: '2026-11-21T00:00:00Z' })
    expect(s.score).toBe(NEUTRAL)
    expect(MODEL_VERSION).toMatch(/^v\d+/)
  })

  it('an agent with no evidence sits at the base in every dimension, bond 0', () => {
    const p = profile([]).profile
    expect(p.scoreBreakdown.accuracy).toBe(DIMENSION_BASE)
    expect(p.scoreBreakdown.bondScore).toBe(0)
    expect(p.compositeScore).toBe(630) // 900 per mille at 70
    expect(p.certificationLevel).toBe('unverified')
    expect(p.lastActiveAt).toBeNull()
  })

  it('a missed deadline costs reliability 8 and latency 5 (the reference), explained by the event', () => {
    const ev = [escrow('esc_a', 0), on('esc_a', 1, { kind: 'missed', graceApplied: true })]
    const { profile: p, explanation: x } = profile(ev)
    expect(p.scoreBreakdown.reliability).toBe(DIMENSION_BASE - 8)
    expect(p.scoreBreakdown.latency).toBe(DIMENSION_BASE - 5)
    expect(x.dimensions.reliability.contributions).toEqual([
      expect.objectContaining({
        eventId: ev[1]!.id,
        rule: 'deadline_missed',
        points: -8,
        weight: -8,
      }),
    ])
    expect(p.incidentCount90d).toBe(1)
    expect(p.fulfillmentRate90d).toBe(0)
  })

  it('a lost partial dispute costs accuracy 3 and scope honesty 6 (the reference)', () => {
    const ev = [
      escrow('esc_a', 0),
      on('esc_a', 0.5, { kind: 'completion', verification: 'partial', completedAt: at(0.5) }),
      on('esc_a', 0.6, { kind: 'dispute', disputedBy: 'system' }),
      on('esc_a', 1, { kind: 'verdict', round: 1, release: 75 }),
      on('esc_a', 1.1, { kind: 'settled', release: 75 }),
    ]
    const p = profile(ev).profile
    // partial completion −2, lost dispute −3
    expect(p.scoreBreakdown.accuracy).toBe(DIMENSION_BASE - 2 - 3)
    expect(p.scoreBreakdown.scopeHonesty).toBe(DIMENSION_BASE - 6)
    expect(p.tasksCompleted90d).toBe(0) // 75% < 80%: not fulfilled
  })

  it('the appeal verdict replaces the first: a full release on appeal costs nothing', () => {
    const ev = [
      escrow('esc_a', 0),
      on('esc_a', 1, { kind: 'verdict', round: 1, release: 40 }),
      on('esc_a', 2, { kind: 'verdict', round: 2, release: 100 }),
    ]
    expect(profile(ev).profile.scoreBreakdown.scopeHonesty).toBe(DIMENSION_BASE)
  })

  it('penalties decay 1 point a week only after the 7-day grace', () => {
    expect(decayed(-8, 7 * DAY_MS)).toBe(-8)
    expect(decayed(-8, 14 * DAY_MS - 1)).toBe(-8)
    expect(decayed(-8, 14 * DAY_MS)).toBe(-7)
    expect(decayed(-8, 63 * DAY_MS)).toBe(0)
    expect(decayed(-8, 400 * DAY_MS)).toBe(0)
    expect(decayed(3, 400 * DAY_MS)).toBe(3)
    // and in a profile, "now" is the agent's latest evidence
    const ev = [
      escrow('esc_a', 0),
      on('esc_a', 1, { kind: 'missed', graceApplied: false }),
      escrow('esc_b', 22),
    ]
    expect(profile(ev).profile.scoreBreakdown.reliability).toBe(DIMENSION_BASE - 6)
  })

  it('positive evidence is capped, and counts only within 90 days', () => {
    const ev: Evidence[] = []
    for (let i = 0; i < 40; i++) {
      const e = `esc_${i}`
      // each to another buyer, so what one buyer may add (PER_BUYER_CAP) is not what caps it
      ev.push(escrow(e, i, { buyer: `agt_buyer_${i}` }), on(e, i + 0.1, { kind: 'released' }))
    }
    const p = profile(ev).profile
    expect(p.scoreBreakdown.reliability).toBe(DIMENSION_BASE + POSITIVE_CAP)
    expect(p.tasksCompleted90d).toBe(40)
    expect(p.fulfillmentRate90d).toBe(1)
    // 200 days later the releases fall out of the window
    const later = profile([...ev, escrow('esc_late', 240)]).profile
    expect(later.scoreBreakdown.reliability).toBe(DIMENSION_BASE)
    expect(later.tasksCompleted90d).toBe(0)
  })

  it('dimensions clamp at 0 and 100', () => {
    const ev: Evidence[] = []
    for (let i = 0; i < 12; i++) {
      const e = `esc_${i}`
      ev.push(escrow(e, 0), on(e, 1, { kind: 'missed', graceApplied: false }))
    }
    expect(profile(ev).profile.scoreBreakdown.reliability).toBe(0)
  })

  it('bond score is tier × 20; a slash costs reliability 10 and is an incident', () => {
    const bond = (tier: number, slash: string | null, day: number): Evidence => ({
      kind: 'bond',
      id: id(),
      at: at(day),
      key: SELLER,
      agentId: SELLER,
      totalBond: String(tier * 1_000_000_000),
      tier,
      slashRule: slash,
    })
    const p = profile([bond(3, null, 0), bond(2, 'deadlines_missed_3_in_90d', 1)]).profile
    expect(p.bondTier).toBe(2)
    expect(p.scoreBreakdown.bondScore).toBe(40)
    expect(p.bondAmountUsdc).toBe(2000)
    expect(p.scoreBreakdown.reliability).toBe(DIMENSION_BASE - 10)
    expect(p.incidentCount90d).toBe(1)
  })

  it('guard denials cost safety; a revocation sets the level to revoked', () => {
    const check: Evidence = {
      kind: 'check',
      id: 'chk_1',
      at: at(0),
      key: SELLER,
      agentId: SELLER,
      decision: 'deny',
      rule: 'agent.capabilities',
    }
    expect(profile([check]).profile.scoreBreakdown.safety).toBe(DIMENSION_BASE - 2)
    const revoked: Evidence = { kind: 'revoked', id: id(), at: at(1), key: SELLER, agentId: SELLER }
    expect(profile([check, revoked]).profile.certificationLevel).toBe('revoked')
  })

  it('buyer reputation: frivolous only above 80% seller-favoured over at least 5 resolved disputes', () => {
    const disputes = (count: number, release: number) => {
      const ev: Evidence[] = []
      for (let i = 0; i < count; i++) {
        const e = `esc_d${release}_${i}`
        ev.push(
          escrow(e, i),
          on(e, i + 0.2, { kind: 'dispute', disputedBy: BUYER }),
          on(e, i + 0.5, { kind: 'verdict', round: 1, release }),
          on(e, i + 0.6, { kind: 'settled', release }),
        )
      }
      return ev
    }
    expect(profile(disputes(4, 100), BUYER).profile.buyerReputation.frivolousDisputeFlag).toBe(
      false,
    )
    const five = profile(disputes(5, 100), BUYER).profile.buyerReputation
    expect(five).toEqual({
      disputesFiled: 5,
      disputesResolved: 5,
      sellerFavouredShare: 1,
      frivolousDisputeFlag: true,
    })
    // 4 of 5 = exactly 80%: not more than 80%
    const mixed = profile([...disputes(4, 100), ...disputes(1, 10)], BUYER).profile
    expect(mixed.buyerReputation.frivolousDisputeFlag).toBe(false)
  })

  it('pacts list per capability with their tasks; flagged trades count for nothing', () => {
    const pact: Evidence = {
      kind: 'pact',
      id: id(),
      at: at(0),
      key: 'pact_1',
      pactId: 'pact_1',
      capability: 'financial_analysis',
      buyer: BUYER,
      seller: SELLER,
    }
    const ev = [
      pact,
      escrow('esc_a', 0),
      on('esc_a', 0.5, { kind: 'released' }),
      escrow('esc_b', 1),
    ]
    ev.push(on('esc_b', 1.5, { kind: 'released' }))
    const p = profile(ev).profile
    expect(p.pacts).toEqual([
      {
        pactId: 'pact_1',
        capability: 'financial_analysis',
        verifiedAt: at(0),
        fulfillmentRate: 1,
        taskCount: 2,
      },
    ])
    const flagged = computeProfile({
      agentId: SELLER,
      evidence: ev,
      flagged: new Map([
        [
          'esc_b',
          { escrowId: 'esc_b', counterpartyAgentId: BUYER, signals: ['same_org'], evidence: {} },
        ],
      ]),
    })
    expect(flagged.profile.pacts[0]!.taskCount).toBe(1)
    expect(flagged.profile.anomalyFlags).toHaveLength(1)
    expect(flagged.explanation.excluded[0]!.reason).toMatch(/flagged trade/)
  })
})

describe('elevations (guardian approvals)', () => {
  const requested = (approvalId: string, agentId: string, day: number): Evidence => ({
    kind: 'approval',
    id: id(),
    at: at(day),
    key: approvalId,
    approvalId,
    agentId,
    rule: 'effect.financial',
  })
  const decided = (approvalId: string, approved: boolean, day: number): Evidence => ({
    kind: 'approval_decided',
    id: id(),
    at: at(day),
    key: approvalId,
    approvalId,
    approved,
  })

  it('an approved elevation is explained but scores nothing, a denied one costs safety 3', () => {
    const ok = [requested('apr_1', SELLER, 0), decided('apr_1', true, 1)]
    const no = [requested('apr_2', SELLER, 0), decided('apr_2', false, 1)]
    const a = profile(ok)
    expect(a.profile.scoreBreakdown.security).toBe(DIMENSION_BASE)
    expect(a.explanation.dimensions.security.contributions).toEqual([
      expect.objectContaining({ eventId: ok[1]!.id, rule: 'elevation_approved', points: 0 }),
    ])
    const d = profile(no)
    expect(d.profile.scoreBreakdown.safety).toBe(DIMENSION_BASE - 3)
    expect(d.explanation.dimensions.safety.contributions).toEqual([
      expect.objectContaining({ eventId: no[1]!.id, rule: 'elevation_denied', points: -3 }),
    ])
  })

  it("counts nothing while undecided, for another agent's request, or a second decision", () => {
    expect(profile([requested('apr_3', SELLER, 0)]).profile.compositeScore).toBe(630)
    expect(
      profile([requested('apr_4', BUYER, 0), decided('apr_4', false, 1)]).profile.scoreBreakdown
        .safety,
    ).toBe(DIMENSION_BASE)
    const twice = [
      requested('apr_5', SELLER, 0),
      decided('apr_5', false, 1),
      decided('apr_5', false, 2),
    ]
    expect(profile(twice).profile.scoreBreakdown.safety).toBe(DIMENSION_BASE - 3)
  })

  it('cannot be farmed: an org approving 50 requests of its own agent moves no score', () => {
    const ev = Array.from({ length: 50 }, (_, i) => [
      requested(`apr_f${i}`, SELLER, i),
      decided(`apr_f${i}`, true, i),
    ]).flat()
    const p = profile(ev)
    expect(p.profile.scoreBreakdown.security).toBe(DIMENSION_BASE)
    expect(p.profile.compositeScore).toBe(630)
    expect(p.explanation.dimensions.security.contributions).toHaveLength(50)
  })
})
