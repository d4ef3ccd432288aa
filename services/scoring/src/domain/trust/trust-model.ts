import type {
  AnomalyFlag,
  BuyerReputation,
  CertificationLevel,
  TrustContribution,
  TrustDimension,
  TrustExplanation,
  TrustPact,
  TrustProfile,
} from '@tessera/contracts'
import { TRUST_DIMENSIONS } from '@tessera/contracts'
import { type Evidence, byTimeThenId } from './evidence.ts'
import { telemetryRules } from './telemetry.ts'

/**
 * The trust model, pure (docs/trust-model.md). A profile is a function of the agent's evidence
 * SET and the flagged escrows; "now" is the agent's latest evidence, never the wall clock, so a
 * rebuild writes the same bytes. Any change to a rule here bumps the version, and
 * `npm run rebuild -- scoring trust-profiles-*` recomputes every profile.
 */
export const MODEL_VERSION = 'v4-2026-12-07'
/** The org score's model (a neutral start), unchanged by the agent model. */
export const ORG_MODEL_VERSION = 'v0-baseline'

export interface Reason {
  code: string
  /** Points this reason moved the score by. */
  weight: number
  detail: string
}

export interface Score {
  score: number
  reasons: Reason[]
}

/** With no behaviour observed yet, every subject starts at the neutral midpoint. */
export const NEUTRAL = 500

export interface OrgHistory {
  createdAt: string
}

export function scoreNewOrg(_history: OrgHistory): Score {
  return {
    score: NEUTRAL,
    reasons: [
      { code: 'NO_HISTORY', weight: 0, detail: 'no behaviour observed yet; neutral start' },
    ],
  }
}

/** Each dimension starts here and moves by its contributions, clamped to 0–100. */
export const DIMENSION_BASE = 70
/** Positive evidence raises a dimension by at most this much (all of it within 90 days). */
export const POSITIVE_CAP = 30
export const DAY_MS = 86_400_000
/** Penalties lose 1 point per full week once this grace has passed. */
export const GRACE_DAYS = 7
export const WINDOW_DAYS = 90
/**
 * What one buyer's trades can add to each of a seller's dimensions (within the 90 days; since
 * `v4`): a seller's reputation has to come from several buyers, so a buyer in the seller's pocket
 * (a ring too slow for the anomaly detector) buys little. Penalties are never capped.
 */
export const PER_BUYER_CAP = 5
/** A settlement releasing at least this share to the seller counts as fulfilled. */
export const FULFILLED_RELEASE = 80

/** Composite weights, per mille (sum 1000): composite = Σ weight × dimension / 100. */
export const COMPOSITE_WEIGHTS: Record<TrustDimension, number> = {
  accuracy: 200,
  reliability: 200,
  safety: 100,
  security: 100,
  selfAudit: 50,
  latency: 100,
  scopeHonesty: 100,
  costEfficiency: 50,
  bondScore: 100,
}

/**
 * The rules: points per dimension for each kind of evidence. The reference's figures where it
 * gives them (a missed deadline; a lost partial dispute), documented choices otherwise.
 */
export const RULES = {
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
  // Listed in the explanation, worth nothing: the approver is a human of the agent's own org, so
  // an approval is self-vouching, and at +1 each an org could farm +30 security by approving
  // trivial requests (v2 did). Self-reported evidence only ever costs points, as telemetry.
  elevation_approved: { security: 0 },
  elevation_denied: { safety: -3 },
  telemetry_error_rate: { reliability: -2 },
  telemetry_slow_calls: { latency: -2 },
  execution_failure_self_reported: { selfAudit: 2, reliability: -2 },
  bond_slashed: { reliability: -10 },
  agent_revoked: { security: -50, safety: -20 },
} as const satisfies Record<string, Partial<Record<TrustDimension, number>>>
export type RuleName = keyof typeof RULES

/** The buyer-side flag: more than 80% of at least 5 resolved disputes went the seller's way. */
export const FRIVOLOUS_MIN_DISPUTES = 5
export const FRIVOLOUS_SHARE = 0.8
/** Release above which a dispute counts as resolved in the seller's favour. */
export const SELLER_FAVOURED_RELEASE = 80

export interface AgentEvidence {
  agentId: string
  /** Every evidence whose key concerns the agent, in any order. */
  evidence: readonly Evidence[]
  /** Escrows the anomaly detector excluded, with the flag as seen from this agent. */
  flagged: ReadonlyMap<string, AnomalyFlag>
  /**
   * {@link PER_BUYER_CAP} unless given: only bench/scoring-anomaly.bench.ts sets it, to measure
   * what the cap takes from rings and from honest sellers. The service never does.
   */
  perBuyerCap?: number
}

/** The model's parameters a bench may override (`AgentEvidence.perBuyerCap`). */
export type ModelParameters = Pick<AgentEvidence, 'perBuyerCap'>

export interface ComputedProfile {
  profile: TrustProfile
  explanation: TrustExplanation
}

/** Points left after the 1-point weekly decay past the grace; positives do not decay (90-day window). */
export function decayed(points: number, ageMs: number): number {
  if (points >= 0) return points
  const weeks = Math.max(0, Math.floor((ageMs - GRACE_DAYS * DAY_MS) / (7 * DAY_MS)))
  return Math.min(0, points + weeks) || 0
}

interface Trade {
  escrow: Extract<Evidence, { kind: 'escrow' }>
  items: Evidence[]
}

type Outcome = { fulfilled: boolean; at: string; release: number | null } | null

/** How an escrow ended for its seller, or null while it is open. */
export function outcomeOf(items: readonly Evidence[]): Outcome {
  let out: Outcome = null
  for (const ev of items) {
    if (ev.kind === 'released') out = { fulfilled: true, at: ev.at, release: 100 }
    else if (ev.kind === 'settled')
      out = { fulfilled: ev.release >= FULFILLED_RELEASE, at: ev.at, release: ev.release }
    else if ((ev.kind === 'missed' || ev.kind === 'refunded') && out === null)
      out = { fulfilled: false, at: ev.at, release: 0 }
  }
  return out
}

/** The final verdict (the appeal's replaces the first), if any. */
function finalVerdict(items: readonly Evidence[]) {
  let best: Extract<Evidence, { kind: 'verdict' }> | null = null
  for (const ev of items)
    if (
      ev.kind === 'verdict' &&
      (!best || ev.round > best.round || (ev.round === best.round && byTimeThenId(best, ev) < 0))
    )
      best = ev
  return best
}

/** The profile and its explanation: a pure function of the evidence set. */
export function computeProfile(input: AgentEvidence): ComputedProfile {
  return compute(input, true)
}

/**
 * The profile alone, as `computeProfile` computes it (the same pass, the same sums), without
 * an object per contribution for an explanation nobody reads: what every recompute stores.
 */
export function profileOf(input: AgentEvidence): TrustProfile {
  return compute(input, false).profile
}

function compute(input: AgentEvidence, explain: boolean): ComputedProfile {
  const me = input.agentId
  const all = [...input.evidence].sort(byTimeThenId)
  const asOf = all.length ? all[all.length - 1]!.at : '1970-01-01T00:00:00.000Z'
  const asOfMs = Date.parse(asOf)
  const ageOf = (at: string) => asOfMs - Date.parse(at)
  const in90 = (at: string) => ageOf(at) <= WINDOW_DAYS * DAY_MS

  const contributions = Object.fromEntries(
    TRUST_DIMENSIONS.map((d) => [d, [] as TrustContribution[]]),
  ) as Record<TrustDimension, TrustContribution[]>
  // Every contribution's weight summed as it is applied, positive and negative apart; the
  // explanation lists the same contributions, so its points add up to the same values.
  const gained = Object.fromEntries(TRUST_DIMENSIONS.map((d) => [d, 0])) as Record<
    TrustDimension,
    number
  >
  const lost = { ...gained }
  const excluded: { eventId: string; reason: string }[] = []
  const credit = (
    ev: Evidence,
    rule: RuleName,
    dim: TrustDimension,
    points: number,
    weight: number,
  ) => {
    if (weight > 0) gained[dim] += weight
    else lost[dim] += weight
    if (explain)
      contributions[dim].push({
        eventId: ev.id,
        eventType: ev.kind,
        occurredAt: ev.at,
        rule,
        points,
        weight,
      })
  }
  // A trade's positive points, counted once every trade is seen, capped per buyer.
  const fromBuyers: {
    ev: Evidence
    rule: RuleName
    dim: TrustDimension
    points: number
    buyer: string
  }[] = []
  /** `buyer`: the evidence is a trade of the agent's as seller (its positives are capped). */
  const apply = (ev: Evidence, rule: RuleName, buyer?: string) => {
    const points = RULES[rule] as Partial<Record<TrustDimension, number>>
    // parsed once per evidence, not once per dimension (the hot path of every recompute)
    const age = ageOf(ev.at)
    for (const dim of TRUST_DIMENSIONS) {
      const p = points[dim]
      if (p === undefined) continue
      if (p > 0 && age > WINDOW_DAYS * DAY_MS) continue
      if (p > 0 && buyer !== undefined) fromBuyers.push({ ev, rule, dim, points: p, buyer })
      else credit(ev, rule, dim, p, decayed(p, age))
    }
  }

  // The agent's own latest act (lastActiveAt): what it did, not what happened to it (a release,
  // a verdict, a deadline, its org's bond) nor what its counterparties did.
  let lastOwn: string | null = null
  const acted = (at: string) => {
    if (lastOwn === null || at > lastOwn) lastOwn = at
  }
  let agentEv: Extract<Evidence, { kind: 'agent' }> | null = null
  let revoked = false
  let bond: Extract<Evidence, { kind: 'bond' }> | null = null
  let incidents = 0
  const pactsSold = new Map<string, Extract<Evidence, { kind: 'pact' }>>()
  const trades = new Map<string, Trade>()
  const loose: Evidence[] = []
  const elevations = new Set<string>()
  const decisions: Extract<Evidence, { kind: 'approval_decided' }>[] = []

  for (const ev of all) {
    switch (ev.kind) {
      case 'agent':
        if (ev.agentId === me) {
          agentEv = ev
          acted(ev.at)
        }
        break
      case 'revoked':
        revoked = true
        apply(ev, 'agent_revoked')
        if (in90(ev.at)) incidents++
        break
      case 'check':
        acted(ev.at)
        if (ev.decision === 'deny') apply(ev, 'guard_denied')
        break
      case 'approval':
        if (ev.agentId === me) {
          elevations.add(ev.approvalId)
          acted(ev.at)
        }
        break
      case 'approval_decided':
        decisions.push(ev)
        break
      case 'telemetry':
        acted(ev.at)
        for (const rule of telemetryRules(ev)) apply(ev, rule)
        break
      case 'binding':
        acted(ev.at)
        apply(ev, 'param_binding_violated')
        if (in90(ev.at)) incidents++
        break
      case 'failure':
        acted(ev.at)
        apply(ev, 'execution_failure_self_reported')
        break
      case 'bond':
        bond = ev
        if (ev.slashRule !== null) {
          apply(ev, 'bond_slashed')
          if (in90(ev.at)) incidents++
        }
        break
      case 'pact':
        if (ev.buyer === me || ev.seller === me) acted(ev.at)
        if (ev.seller === me) pactsSold.set(ev.pactId, ev)
        break
      case 'escrow':
        trades.set(ev.escrowId, { escrow: ev, items: trades.get(ev.escrowId)?.items ?? [] })
        break
      default:
        loose.push(ev)
    }
  }
  // An elevation counts once decided, and once its request names this agent: the first decision.
  for (const d of decisions)
    if (elevations.delete(d.approvalId))
      apply(d, d.approved ? 'elevation_approved' : 'elevation_denied')
  for (const ev of loose) {
    if (!('escrowId' in ev)) continue
    const t = trades.get(ev.escrowId)
    if (t) t.items.push(ev)
    else trades.set(ev.escrowId, { escrow: undefined as never, items: [ev] })
  }

  // Trades, seller side (and buyer side for the dispute record).
  const disputes = { filed: 0, resolved: 0, favoured: 0 }
  const capTasks = new Map<string, { tasks: number; fulfilled: number }>()
  let done90 = 0
  let fulfilled90 = 0
  for (const [escrowId, t] of [...trades].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!t.escrow) continue // its EscrowCreated is not here yet: nothing to attribute
    const flag = input.flagged.get(escrowId)
    if (flag) {
      excluded.push({ eventId: t.escrow.id, reason: `flagged trade: ${flag.signals.join(', ')}` })
      continue
    }
    const outcome = outcomeOf(t.items)
    const verdict = finalVerdict(t.items)
    if (t.escrow.buyer === me) {
      acted(t.escrow.at)
      for (const ev of t.items)
        if (ev.kind === 'dispute' && ev.disputedBy === me) {
          acted(ev.at)
          disputes.filed++
          if (
            outcome &&
            outcome.release !== null &&
            (verdict || t.items.some((i) => i.kind === 'settled'))
          ) {
            disputes.resolved++
            if (outcome.release > SELLER_FAVOURED_RELEASE) disputes.favoured++
          }
        }
    }
    if (t.escrow.seller !== me) continue
    for (const ev of t.items) {
      // a seller may open a dispute too (acts of a buyer are counted above)
      if (ev.kind === 'dispute' && ev.disputedBy === me) acted(ev.at)
      else if (ev.kind === 'completion') {
        acted(ev.at)
        apply(ev, `completion_${ev.verification}`, t.escrow.buyer)
        // The server's submittedAt (`at`), never the seller's own completionTimeUtc: a seller
        // delivering in the grace period could otherwise backdate its way from −5 to +1.
        const onTime = ev.at <= t.escrow.deadline
        apply(ev, onTime ? 'completed_on_time' : 'completed_late', t.escrow.buyer)
      } else if (ev.kind === 'released') apply(ev, 'escrow_released', t.escrow.buyer)
      else if (ev.kind === 'missed') {
        apply(ev, 'deadline_missed')
        if (in90(ev.at)) incidents++
      }
    }
    if (verdict && verdict.release < 100) {
      apply(verdict, 'lost_partial_dispute')
      if (verdict.release < 50) apply(verdict, 'lost_dispute_majority')
      if (in90(verdict.at)) incidents++
    }
    if (outcome) {
      if (in90(outcome.at)) {
        done90++
        if (outcome.fulfilled) fulfilled90++
      }
      const pact = pactsSold.get(t.escrow.pactId)
      if (pact) {
        const c = capTasks.get(pact.capability) ?? { tasks: 0, fulfilled: 0 }
        c.tasks++
        if (outcome.fulfilled) c.fulfilled++
        capTasks.set(pact.capability, c)
      }
    }
  }

  // Newest first, so what one buyer adds beyond its cap (listed at weight 0) is the oldest.
  const perBuyerCap = input.perBuyerCap ?? PER_BUYER_CAP
  fromBuyers.sort(
    (a, b) => byTimeThenId(b.ev, a.ev) || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0),
  )
  const used = new Map<string, number>()
  // (the sort is stable: one evidence's dimensions keep their order)
  for (const { ev, rule, dim, points, buyer } of fromBuyers) {
    const key = `${buyer}\u0000${dim}`
    const weight = Math.min(points, perBuyerCap - (used.get(key) ?? 0))
    used.set(key, (used.get(key) ?? 0) + weight)
    credit(ev, rule, dim, points, weight)
  }

  const bondTier = bond?.tier ?? 0
  const breakdown = {} as Record<TrustDimension, number>
  const dimensions = {} as TrustExplanation['dimensions']
  for (const dim of TRUST_DIMENSIONS) {
    const list = contributions[dim]
    if (dim === 'bondScore') {
      const value = bondTier * 20
      breakdown[dim] = value
      dimensions[dim] = {
        base: 0,
        value,
        contributions: bond
          ? [
              {
                eventId: bond.id,
                eventType: 'bond',
                occurredAt: bond.at,
                rule: 'bond_tier_x20',
                points: value,
                weight: value,
              },
            ]
          : [],
      }
      continue
    }
    const value = Math.max(
      0,
      Math.min(100, DIMENSION_BASE + Math.min(POSITIVE_CAP, gained[dim]) + lost[dim]),
    )
    breakdown[dim] = value
    dimensions[dim] = { base: DIMENSION_BASE, value, contributions: list }
  }
  let weighted = 0
  for (const dim of TRUST_DIMENSIONS) weighted += COMPOSITE_WEIGHTS[dim] * breakdown[dim]
  const compositeScore = Math.round(weighted / 100)

  const pacts: TrustPact[] = []
  const byCap = new Map<string, Extract<Evidence, { kind: 'pact' }>[]>()
  for (const p of pactsSold.values())
    byCap.set(p.capability, [...(byCap.get(p.capability) ?? []), p])
  for (const [capability, list] of [...byCap].sort(([a], [b]) => (a < b ? -1 : 1))) {
    list.sort(byTimeThenId)
    const c = capTasks.get(capability) ?? { tasks: 0, fulfilled: 0 }
    pacts.push({
      pactId: list[list.length - 1]!.pactId,
      capability,
      verifiedAt: list[0]!.at,
      fulfillmentRate: rate(c.fulfilled, c.tasks),
      taskCount: c.tasks,
    })
  }

  const buyerReputation: BuyerReputation = {
    disputesFiled: disputes.filed,
    disputesResolved: disputes.resolved,
    sellerFavouredShare: rate(disputes.favoured, disputes.resolved),
    frivolousDisputeFlag:
      disputes.resolved >= FRIVOLOUS_MIN_DISPUTES &&
      disputes.favoured / disputes.resolved > FRIVOLOUS_SHARE,
  }
  const certificationLevel: CertificationLevel = revoked
    ? 'revoked'
    : fulfilled90 >= 10 && compositeScore >= 700 && bondTier >= 1
      ? 'verified'
      : done90 > 0
        ? 'provisional'
        : 'unverified'
  const anomalyFlags = [...input.flagged.values()].sort((a, b) =>
    a.escrowId < b.escrowId ? -1 : 1,
  )

  const profile: TrustProfile = {
    agentId: agentEv?.did ?? `agent:${me}`,
    tesseraAgentId: me,
    handle: agentEv ? `A-${agentEv.handle}` : '',
    orgId: agentEv?.orgId ?? '',
    compositeScore,
    scoreBreakdown: breakdown,
    certificationLevel,
    bondTier,
    bondAmountUsdc: bond ? Number(BigInt(bond.totalBond) / 1000n) / 1000 : 0,
    pacts,
    fulfillmentRate90d: rate(fulfilled90, done90),
    tasksCompleted90d: fulfilled90,
    lastActiveAt: lastOwn,
    memoryAttestations: 0,
    incidentCount90d: incidents,
    scoreUpdatedAt: asOf,
    modelVersion: MODEL_VERSION,
    buyerReputation,
    anomalyFlags,
    // Depends on the org's other agents: filled in when the profile is read.
    orgUnderReview: false,
  }
  return {
    profile,
    explanation: {
      agentId: profile.agentId,
      modelVersion: MODEL_VERSION,
      compositeScore,
      dimensions,
      compositeWeights: COMPOSITE_WEIGHTS,
      limits: { positiveCap: POSITIVE_CAP, perBuyerCap, min: 0, max: 100 },
      anomalyFlags,
      excluded,
    },
  }
}

/** A share rounded to 3 decimals; 0 with nothing to divide. */
export function rate(n: number, of: number): number {
  return of === 0 ? 0 : Math.round((n * 1000) / of) / 1000
}
