import type { TrustDimension } from '@tessera/contracts'
import { TRUST_DIMENSIONS } from '@tessera/contracts'
import { describe, expect, it } from 'vitest'
import type { Evidence } from './evidence.ts'
import { DAY_MS, RULES, type RuleName, computeProfile } from './trust-model.ts'

// Every rule and threshold of docs/trust-model.md at its edges, with the documented numbers
// written out: a change to a rule or a threshold in trust-model.ts fails here.

const ME = 'agt_me000000000000000000000000'
const OTHER = 'agt_other00000000000000000000'
/** The i-th of many buyers, for sellers whose positives must not meet one buyer's cap. */
const buyer = (i: number) => `agt_buyer${String(i).padStart(21, '0')}`
const T0 = Date.parse('2026-10-01T00:00:00.000Z')
const day = (d: number, ms = 0) => new Date(T0 + d * DAY_MS + ms).toISOString()
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString()
let n = 0
const nextId = () => `ev-${String(++n).padStart(6, '0')}`

type Fields<K extends Evidence['kind']> = Omit<
  Extract<Evidence, { kind: K }>,
  'kind' | 'id' | 'at' | 'key'
>
/** One evidence of `kind`, its fields checked against that kind. */
function make<K extends Evidence['kind']>(kind: K, at: string, key: string, f: Fields<K>) {
  // TS cannot narrow the union by a generic `kind`; Fields<K> has checked the rest
  return { kind, id: nextId(), at, key, ...f } as unknown as Evidence
}
function escrow(escrowId: string, at: string, o: { buyer?: string; deadline?: string } = {}) {
  const [buyer, seller] = o.buyer === ME ? [ME, OTHER] : [o.buyer ?? OTHER, ME]
  return make('escrow', at, escrowId, {
    escrowId,
    pactId: 'pact_1',
    buyer,
    buyerOrg: 'org_b',
    seller,
    sellerOrg: 'org_s',
    amount: '50000000',
    deadline: o.deadline ?? plus(at, DAY_MS),
  })
}
type Verification = 'pass' | 'partial' | 'fail'
const completion = (e: string, at: string, verification: Verification = 'pass', completedAt = at) =>
  make('completion', at, e, { escrowId: e, verification, completedAt })
const released = (e: string, at: string) => make('released', at, e, { escrowId: e })
const missed = (e: string, at: string) =>
  make('missed', at, e, { escrowId: e, graceApplied: false })
const refunded = (e: string, at: string) => make('refunded', at, e, { escrowId: e })
const dispute = (e: string, at: string, disputedBy: string) =>
  make('dispute', at, e, { escrowId: e, disputedBy })
const verdict = (e: string, at: string, release: number) =>
  make('verdict', at, e, { escrowId: e, round: 1, release })
const settled = (e: string, at: string, release: number) =>
  make('settled', at, e, { escrowId: e, release })
const registered = (at: string) =>
  make('agent', at, ME, { agentId: ME, orgId: 'org_s', did: null, handle: 'me' })
const revoked = (at: string) => make('revoked', at, ME, { agentId: ME })
const check = (at: string, decision: 'deny' | 'elevation_required' = 'deny') =>
  make('check', at, ME, { agentId: ME, decision, rule: 'agent.capabilities' })
const requested = (a: string, at: string, agentId = ME) =>
  make('approval', at, a, { approvalId: a, agentId, rule: 'effect.financial' })
const decided = (a: string, at: string, approved: boolean) =>
  make('approval_decided', at, a, { approvalId: a, approved })
const telemetry = (at: string, errors: number, slow: number) =>
  make('telemetry', at, ME, {
    agentId: ME,
    day: at.slice(0, 10),
    records: 20,
    calls: 20,
    errors,
    slow,
  })
const binding = (at: string) =>
  make('binding', at, ME, { agentId: ME, pactId: 'pact_1', rule: 'r' })
const failure = (at: string) => make('failure', at, ME, { agentId: ME, pactId: 'pact_1' })
const bond = (at: string, tier: number, slashRule: string | null = null) =>
  make('bond', at, ME, { agentId: ME, totalBond: `${tier}000000000`, tier, slashRule })
const pact = (at: string, buyer: string, seller: string) =>
  make('pact', at, 'pact_1', { pactId: 'pact_1', capability: 'analysis', buyer, seller })

const profile = (evidence: Evidence[], agentId = ME) =>
  computeProfile({ agentId, evidence, flagged: new Map() })
const SCORED = TRUST_DIMENSIONS.filter((d) => d !== 'bondScore')
const denials = (count: number, at: string) =>
  Array.from({ length: count }, (_, i) => [
    requested(`apr_${at}_${i}`, at),
    decided(`apr_${at}_${i}`, at, false),
  ]).flat()

/** The documented points of every rule (docs/trust-model.md, "Dimensions"). */
const DOCUMENTED = {
  completion_pass: { accuracy: 1, scopeHonesty: 1, selfAudit: 1 },
  completion_partial: { accuracy: -2 },
  completion_fail: { accuracy: -5, selfAudit: -2 },
  completed_on_time: { latency: 1 },
  completed_late: { latency: -5 },
  escrow_released: { reliability: 1, costEfficiency: 1 },
  deadline_missed: { reliability: -8, latency: -5 },
  lost_partial_dispute: { accuracy: -3, scopeHonesty: -6 },
  lost_dispute_majority: { reliability: -5, costEfficiency: -3 },
  param_binding_violated: { security: -10, scopeHonesty: -3 },
  guard_denied: { safety: -2 },
  elevation_approved: { security: 0 },
  elevation_denied: { safety: -3 },
  telemetry_error_rate: { reliability: -2 },
  telemetry_slow_calls: { latency: -2 },
  execution_failure_self_reported: { selfAudit: 2, reliability: -2 },
  bond_slashed: { reliability: -10 },
  agent_revoked: { security: -50, safety: -20 },
} satisfies Record<RuleName, Partial<Record<TrustDimension, number>>>

const D0 = day(0)
const D1 = day(1)
/** Each rule, evidence that fires it, and the rules that evidence fires with it. */
const sold = (...ev: Evidence[]) => [escrow('e', D0), ...ev]
const CASES: [RuleName, Evidence[], RuleName[]?][] = [
  ['completion_pass', sold(completion('e', D1)), ['completed_on_time']],
  ['completion_partial', sold(completion('e', D1, 'partial')), ['completed_on_time']],
  ['completion_fail', sold(completion('e', D1, 'fail')), ['completed_on_time']],
  ['completed_on_time', sold(completion('e', day(0.5))), ['completion_pass']],
  ['completed_late', sold(completion('e', day(2))), ['completion_pass']],
  ['escrow_released', sold(released('e', D1))],
  ['deadline_missed', sold(missed('e', D1))],
  ['lost_partial_dispute', sold(verdict('e', D1, 75))],
  ['lost_dispute_majority', sold(verdict('e', D1, 25)), ['lost_partial_dispute']],
  ['param_binding_violated', [binding(D0)]],
  ['guard_denied', [check(D0)]],
  ['elevation_approved', [requested('apr', D0), decided('apr', D1, true)]],
  ['elevation_denied', [requested('apr', D0), decided('apr', D1, false)]],
  ['telemetry_error_rate', [telemetry(D0, 3, 0)]],
  ['telemetry_slow_calls', [telemetry(D0, 0, 3)]],
  ['execution_failure_self_reported', [failure(D0)]],
  ['bond_slashed', [bond(D0, 0, 'deadlines_missed_3_in_90d')]],
  ['agent_revoked', [revoked(D0)]],
]

describe('every rule moves exactly its documented points', () => {
  it('has a case for every rule of the model', () => {
    expect(CASES.map(([rule]) => rule).sort()).toEqual(Object.keys(RULES).sort())
  })

  it.each(CASES)('%s', (rule, evidence, also = []) => {
    const { profile: p, explanation: x } = profile(evidence)
    const breakdown: Record<string, number> = { bondScore: 0 }
    for (const dim of SCORED) breakdown[dim] = 70
    const expected: { dim: string; rule: string; points: number; weight: number }[] = []
    for (const r of [rule, ...also])
      for (const [dim, points] of Object.entries(DOCUMENTED[r])) {
        breakdown[dim]! += points
        expected.push({ dim, rule: r, points, weight: points })
      }
    expect(p.scoreBreakdown).toEqual(breakdown)
    const listed = SCORED.flatMap((dim) =>
      x.dimensions[dim].contributions.map((c) => ({
        dim,
        rule: c.rule,
        points: c.points,
        weight: c.weight,
      })),
    )
    const order = (a: { dim: string; rule: string }, b: { dim: string; rule: string }) =>
      `${a.dim}/${a.rule}` < `${b.dim}/${b.rule}` ? -1 : 1
    expect(listed.sort(order)).toEqual(expected.sort(order))
  })
})

describe('outcome thresholds', () => {
  it.each([
    [80, 1, 1],
    [79, 0, 0],
  ])('a settlement releasing %i percent to the seller: %i fulfilled', (release, tasks, rate) => {
    const p = profile([escrow('e', D0), settled('e', D1, release)]).profile
    expect(p.tasksCompleted90d).toBe(tasks)
    expect(p.fulfillmentRate90d).toBe(rate)
  })

  it.each([
    [100, { accuracy: 70, scopeHonesty: 70, reliability: 70, costEfficiency: 70 }, 0],
    [99, { accuracy: 67, scopeHonesty: 64, reliability: 70, costEfficiency: 70 }, 1],
    [50, { accuracy: 67, scopeHonesty: 64, reliability: 70, costEfficiency: 70 }, 1],
    [49, { accuracy: 67, scopeHonesty: 64, reliability: 65, costEfficiency: 67 }, 1],
  ])('a final verdict releasing %i percent to the seller', (release, dims, incidents) => {
    const p = profile([escrow('e', D0), verdict('e', D1, release)]).profile
    expect(p.scoreBreakdown).toMatchObject(dims)
    expect(p.incidentCount90d).toBe(incidents)
  })
})

describe('buyer reputation thresholds', () => {
  /** Disputes the agent filed as buyer, each settled with the given release to the seller. */
  const filed = (releases: number[]) =>
    releases.flatMap((release, i) => [
      escrow(`d${i}`, day(i), { buyer: ME }),
      dispute(`d${i}`, day(i + 0.2), ME),
      settled(`d${i}`, day(i + 0.5), release),
    ])

  it.each([
    [80, 0],
    [81, 1],
  ])('a release of %i percent: seller-favoured share %i', (release, share) => {
    const r = profile(filed([release])).profile.buyerReputation
    expect(r).toEqual({
      disputesFiled: 1,
      disputesResolved: 1,
      sellerFavouredShare: share,
      frivolousDisputeFlag: false,
    })
  })

  it.each([
    ['4 of 4 favoured (too few)', [100, 100, 100, 100], false],
    ['5 of 5 favoured', [100, 100, 100, 100, 100], true],
    ['4 of 5 favoured (exactly 80%)', [100, 100, 100, 100, 80], false],
    ['5 of 6 favoured (83%)', [100, 100, 100, 100, 100, 0], true],
  ])('frivolous flag: %s', (_, releases, flag) => {
    expect(profile(filed(releases)).profile.buyerReputation.frivolousDisputeFlag).toBe(flag)
  })
})

describe('time: the 90-day window and the weekly decay', () => {
  const RELEASED = day(0.5)
  it.each([
    [0, 71, 1, 'provisional'],
    [1, 70, 0, 'unverified'],
  ])('a release 90 days + %i ms before now', (ms, points, tasks, level) => {
    // an open escrow sets "now" and scores nothing
    const clock = escrow('clock', plus(RELEASED, 90 * DAY_MS + ms))
    const p = profile([escrow('e', D0), released('e', RELEASED), clock]).profile
    expect(p.scoreBreakdown.reliability).toBe(points)
    expect(p.scoreBreakdown.costEfficiency).toBe(points)
    expect(p.tasksCompleted90d).toBe(tasks)
    expect(p.certificationLevel).toBe(level)
  })

  it.each([
    ['14 days − 1 ms', 14 * DAY_MS - 1, -8, -5],
    ['14 days', 14 * DAY_MS, -7, -4],
    ['21 days', 21 * DAY_MS, -6, -3],
    ['42 days − 1 ms', 42 * DAY_MS - 1, -4, -1],
    ['42 days', 42 * DAY_MS, -3, 0],
    ['63 days − 1 ms', 63 * DAY_MS - 1, -1, 0],
    ['63 days', 63 * DAY_MS, 0, 0],
    ['400 days', 400 * DAY_MS, 0, 0],
  ] as const)('a missed deadline %s old', (_, age, rel, lat) => {
    const clock = escrow('clock', plus(D1, age))
    const x = profile([escrow('e', D0), missed('e', D1), clock])
    expect(x.profile.scoreBreakdown.reliability).toBe(70 + rel)
    expect(x.profile.scoreBreakdown.latency).toBe(70 + lat)
    expect(x.explanation.dimensions.reliability.contributions).toEqual([
      expect.objectContaining({ rule: 'deadline_missed', points: -8, weight: rel }),
    ])
  })
})

describe('caps, clamps and the composite', () => {
  /**
   * `count` released escrows, each to another buyer (so no buyer's cap applies), then one
   * self-reported failure (reliability −2, selfAudit +2).
   */
  const releasesThenFailure = (count: number) => [
    ...Array.from({ length: count }, (_, i) => [
      escrow(`r${i}`, day(i * 0.1), { buyer: buyer(i) }),
      released(`r${i}`, day(i * 0.1 + 0.05)),
    ]).flat(),
    failure(day(5)),
  ]

  it.each([
    [29, 97, 99],
    [30, 98, 100],
    [31, 98, 100],
  ])('%i points of positives add at most 30', (count, reliability, costEfficiency) => {
    const p = profile(releasesThenFailure(count)).profile
    expect(p.scoreBreakdown.reliability).toBe(reliability)
    expect(p.scoreBreakdown.costEfficiency).toBe(costEfficiency)
  })

  it('a dimension clamps at 0', () => {
    const missedTimes = (count: number) =>
      Array.from({ length: count }, (_, i) => [escrow(`m${i}`, D0), missed(`m${i}`, D1)]).flat()
    expect(profile(missedTimes(8)).profile.scoreBreakdown.reliability).toBe(6)
    expect(profile(missedTimes(9)).profile.scoreBreakdown.reliability).toBe(0)
    const p = profile([revoked(D0), binding(D0), binding(D0), binding(D0)]).profile
    expect(p.scoreBreakdown.security).toBe(0) // 70 − 50 − 30
  })

  it('a dimension reads 100 at base 70 + the +30 cap, and the bond score is tier × 20 (0–100)', () => {
    const passes = Array.from({ length: 40 }, (_, i) => [
      escrow(`p${i}`, day(i * 0.1), { buyer: buyer(i) }),
      completion(`p${i}`, day(i * 0.1 + 0.05)),
    ]).flat()
    // 40 passes on time: +40 on accuracy, scopeHonesty, selfAudit and latency, each read 100
    expect(profile(passes).profile.scoreBreakdown).toMatchObject({
      accuracy: 100,
      scopeHonesty: 100,
      selfAudit: 100,
      latency: 100,
    })
    for (const [tier, score] of [
      [0, 0],
      [1, 20],
      [3, 60],
      [5, 100],
    ] as const)
      expect(profile([bond(D0, tier)]).profile.scoreBreakdown.bondScore).toBe(score)
  })

  it('the composite is Σ weight × dimension / 100, rounded', () => {
    // reliability 62, latency 65, bond 40, the rest 70:
    // (200·70 + 200·62 + 100·70 + 100·70 + 50·70 + 100·65 + 100·70 + 50·70 + 100·40) / 100
    const p = profile([bond(D0, 2), escrow('e', D0), missed('e', D1)]).profile
    expect(p.compositeScore).toBe(649)
  })
})

describe('certification level', () => {
  /** `count` escrows completed (pass, on time) and released, each to another buyer: +1 on six dimensions each. */
  const fulfilled = (count: number) =>
    Array.from({ length: count }, (_, i) => [
      escrow(`f${i}`, day(i * 0.5), { buyer: buyer(i) }),
      completion(`f${i}`, day(i * 0.5 + 0.1)),
      released(`f${i}`, day(i * 0.5 + 0.2)),
    ]).flat()

  it.each([
    // 10 fulfilled, tier 1: six dimensions at 80, composite 720; safety −20 → exactly 700
    [
      'all three met, composite exactly 700',
      10,
      1,
      [check(day(6)), ...denials(6, day(6))],
      700,
      'verified',
    ],
    ['composite 699', 10, 1, denials(7, day(6)), 699, 'provisional'],
    ['9 fulfilled', 9, 1, [], 713, 'provisional'],
    ['bond tier 0', 10, 0, [], 700, 'provisional'],
    ['revoked, over everything', 10, 1, [revoked(day(6))], 650, 'revoked'],
    ['revoked, with no outcome', 0, 0, [revoked(day(6))], 560, 'revoked'],
    ['no outcome', 0, 1, [], 650, 'unverified'],
  ] as const)('%s', (_, count, tier, extra, composite, level) => {
    const p = profile([bond(D0, tier), ...fulfilled(count), ...extra]).profile
    expect(p.compositeScore).toBe(composite)
    expect(p.certificationLevel).toBe(level)
  })
})

describe('model v4: what one buyer can add (PER_BUYER_CAP = 5 a dimension)', () => {
  /** `count` escrows sold to `to`, each completed (pass, on time) and released. */
  const soldTo = (to: string, count: number, from = 0) =>
    Array.from({ length: count }, (_, i) => [
      escrow(`${to}-${i}`, day(from + i), { buyer: to }),
      completion(`${to}-${i}`, day(from + i + 0.1)),
      released(`${to}-${i}`, day(from + i + 0.2)),
    ]).flat()
  const SIX = [
    'accuracy',
    'scopeHonesty',
    'selfAudit',
    'latency',
    'reliability',
    'costEfficiency',
  ] as const

  it.each([
    [4, 74],
    [5, 75],
    [6, 75],
    [20, 75],
  ])('%i trades with one buyer raise each of the six dimensions to %i', (count, value) => {
    const p = profile(soldTo(buyer(1), count)).profile
    for (const dim of SIX) expect(p.scoreBreakdown[dim], dim).toBe(value)
    // the outcomes still count: the cap is on points, not on the record
    expect(p.tasksCompleted90d).toBe(count)
  })

  it('a second buyer adds its own 5; the 30 cap still holds over seven', () => {
    expect(
      profile([...soldTo(buyer(1), 8), ...soldTo(buyer(2), 8, 10)]).profile.scoreBreakdown,
    ).toMatchObject({ accuracy: 80, reliability: 80 })
    const seven = Array.from({ length: 7 }, (_, b) => soldTo(buyer(b), 6, b * 7)).flat()
    expect(profile(seven).profile.scoreBreakdown.accuracy).toBe(100)
  })

  it('the newest count; the oldest beyond the cap are listed at weight 0', () => {
    const x = computeProfile({
      agentId: ME,
      evidence: soldTo(buyer(1), 7),
      flagged: new Map(),
    }).explanation
    const weights = x.dimensions.reliability.contributions
      .map((c) => [c.occurredAt, c.weight] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([, w]) => w)
    expect(weights).toEqual([0, 0, 1, 1, 1, 1, 1])
  })

  it('penalties from one buyer are never capped', () => {
    const misses = Array.from({ length: 7 }, (_, i) => [
      escrow(`m${i}`, day(i), { buyer: buyer(1) }),
      missed(`m${i}`, day(i + 1)),
    ]).flat()
    expect(profile(misses).profile.scoreBreakdown.reliability).toBe(14) // 70 − 7 × 8
  })

  it('trades older than 90 days use none of a buyer’s cap', () => {
    // 5 trades past the window, then 5 within it: the recent ones count in full
    const old = soldTo(buyer(1), 5)
    const recent = soldTo(buyer(1), 5, 100)
    expect(profile([...old, ...recent]).profile.scoreBreakdown.accuracy).toBe(75)
    expect(profile([...old, ...soldTo(buyer(1), 3, 100)]).profile.scoreBreakdown.accuracy).toBe(73)
  })
})

describe('model v4: the server times, and activity is the agent’s own', () => {
  const DEADLINE = day(1)
  const HOUR = 3_600_000
  it.each([
    ['at the deadline, claiming later', 71, DEADLINE, plus(DEADLINE, HOUR)],
    ['1 ms after the deadline, claiming earlier', 65, plus(DEADLINE, 1), plus(DEADLINE, -HOUR)],
  ])('a completion submitted %s: latency %i', (_, latency, at, claimed) => {
    const ev = [escrow('e', D0, { deadline: DEADLINE }), completion('e', at, 'pass', claimed)]
    expect(profile(ev).profile.scoreBreakdown.latency).toBe(latency)
  })

  it.each([
    ['at the deadline, claiming the same', 71, DEADLINE],
    ['1 ms after the deadline, claiming the same', 65, plus(DEADLINE, 1)],
  ])('a completion submitted %s: latency %i', (_, latency, at) => {
    const ev = [escrow('e', D0, { deadline: DEADLINE }), completion('e', at)]
    expect(profile(ev).profile.scoreBreakdown.latency).toBe(latency)
  })

  it('a seller’s last activity is its completion, not the release or a later missed deadline', () => {
    const submitted = day(1, 123)
    const ev = [
      escrow('a', D0),
      completion('a', submitted, 'pass', day(0.5)),
      released('a', day(2)),
      escrow('b', day(3)),
      missed('b', day(40)),
    ]
    const p = profile(ev).profile
    expect(p.lastActiveAt).toBe(submitted)
    expect(p.scoreUpdatedAt).toBe(day(40))
  })

  const D5 = day(5)
  // Registered on day 0; each case adds evidence up to day 5 and names the last own activity.
  it.each([
    ['its registration', [], D0],
    ['a guard denial', [check(D5)], D5],
    ['an elevation check', [check(D5, 'elevation_required')], D5],
    ['its elevation request', [requested('apr', D5)], D5],
    ['another agent’s elevation request', [requested('apr', D5, OTHER)], D0],
    ['an approval decision', [requested('apr', D1), decided('apr', D5, true)], D1],
    ['a telemetry day', [telemetry(D5, 0, 0)], D5],
    ['a pact it sells', [pact(D5, OTHER, ME)], D5],
    ['a pact it buys', [pact(D5, ME, OTHER)], D5],
    ['a binding violation', [binding(D5)], D5],
    ['a failure it reported', [failure(D5)], D5],
    ['an escrow it created as buyer', [escrow('e', D5, { buyer: ME })], D5],
    ['an escrow its buyer created', [escrow('e', D5)], D0],
    ['its completion as seller', [escrow('e', D1), completion('e', D5)], D5],
    ['its seller’s completion', [escrow('e', D1, { buyer: ME }), completion('e', D5)], D1],
    ['a dispute it opened', [escrow('e', D1, { buyer: ME }), dispute('e', D5, ME)], D5],
    ['a dispute its buyer opened', [escrow('e', D1), dispute('e', D5, OTHER)], D0],
    ['a release', [escrow('e', D1), released('e', D5)], D0],
    ['a missed deadline', [escrow('e', D1), missed('e', D5)], D0],
    ['a refund', [escrow('e', D1), refunded('e', D5)], D0],
    ['a verdict', [escrow('e', D1), verdict('e', D5, 100)], D0],
    ['a settlement', [escrow('e', D1), settled('e', D5, 100)], D0],
    ['a bond posted', [bond(D5, 1)], D0],
    ['a bond slashed', [bond(D5, 0, 'deadlines_missed_3_in_90d')], D0],
    ['a revocation', [revoked(D5)], D0],
  ])('last active after %s', (_, extra, lastActive) => {
    const p = profile([registered(D0), ...extra]).profile
    expect(p.lastActiveAt).toBe(lastActive)
    expect(p.scoreUpdatedAt).toBe(extra.length ? D5 : D0)
  })

  it('is null with no activity of its own, while the score still has a time', () => {
    const p = profile([revoked(D1), bond(day(2), 1), escrow('e', day(3)), missed('e', day(4))])
    expect(p.profile.lastActiveAt).toBeNull()
    expect(p.profile.scoreUpdatedAt).toBe(day(4))
  })
})
