import type { AnomalyFlag } from '@tessera/contracts'
import type { Evidence } from './evidence.ts'

/**
 * Self-dealing detection on the trade graph (docs/trust-model.md, "Anomalies"), pure: the flags
 * are a function of the set of trades. A directed edge buyer → seller gathers every escrow
 * between the two; its signals:
 * - `same_org`: both agents belong to one org;
 * - `high_frequency`: at least 10 trades, at least 0.3 a day over their span;
 * - `uniform_amounts`: at least 5 trades whose amounts spread by at most 5% of their mean;
 * - `zero_disputes`: at least 5 trades and none disputed;
 * - `instant_completion`: at least 5 completions, median under 60 s after the lock;
 * - `trade_cycle`: the edge closes a directed cycle (2 agents trading both ways, or a ring) of
 *   suspicious edges (high frequency, or two behavioural signals, or same org with a strong one),
 *   and both its agents do at least INSULAR_SHARE of their trades on such cycles: a ring trades
 *   mostly within itself, while partners who hire each other often trade mostly with others.
 * An edge is flagged when `same_org` holds with high frequency, uniform amounts or instant
 * completion, when three of the four
 * behavioural signals hold, or when it is on a cycle. Every trade of a flagged edge is excluded
 * from both agents' scores, and their orgs are flagged for review.
 */
export const ANOMALY_VERSION = 'a1'
export const MIN_TRADES = 5
export const HIGH_FREQUENCY_TRADES = 10
export const HIGH_FREQUENCY_PER_DAY = 0.3
export const UNIFORM_SPREAD = 0.05
export const INSTANT_SECONDS = 60
export const INSULAR_SHARE = 0.5

export interface TradeFacts {
  escrowId: string
  buyer: string
  buyerOrg: string
  seller: string
  sellerOrg: string
  amount: bigint
  createdAt: string
  /** When the seller's completion was submitted (the server's time), if it was. */
  submittedAt: string | null
  disputed: boolean
}

/** Gathers one escrow's facts from its evidence (null until its EscrowCreated is known). */
export function tradeOf(items: readonly Evidence[]): TradeFacts | null {
  const created = items.find((e) => e.kind === 'escrow')
  if (!created || created.kind !== 'escrow') return null
  let submittedAt: string | null = null
  let disputed = false
  for (const e of items) {
    // the server's time (`at`), not the seller's claimed completedAt: a ring could write a later
    // one to hide how fast it "worked"
    if (e.kind === 'completion' && (submittedAt === null || e.at < submittedAt)) submittedAt = e.at
    if (e.kind === 'dispute') disputed = true
  }
  return {
    escrowId: created.escrowId,
    buyer: created.buyer,
    buyerOrg: created.buyerOrg,
    seller: created.seller,
    sellerOrg: created.sellerOrg,
    amount: BigInt(created.amount),
    createdAt: created.at,
    submittedAt,
    disputed,
  }
}

export interface Edge {
  buyer: string
  seller: string
  trades: TradeFacts[]
  signals: string[]
  evidence: Record<string, number | string>
}

function edgeSignals(trades: TradeFacts[]): {
  signals: string[]
  evidence: Record<string, number | string>
} {
  const n = trades.length
  const times = trades.map((t) => Date.parse(t.createdAt)).sort((a, b) => a - b)
  const days = Math.max(1, (times[n - 1]! - times[0]!) / 86_400_000)
  let min = trades[0]!.amount
  let max = min
  let sum = 0n
  for (const t of trades) {
    if (t.amount < min) min = t.amount
    if (t.amount > max) max = t.amount
    sum += t.amount
  }
  const mean = sum / BigInt(n)
  // spread in per mille of the mean, integer arithmetic
  const spread = mean === 0n ? 0 : Number(((max - min) * 1000n) / mean)
  const completions = trades
    .filter((t) => t.submittedAt !== null)
    .map((t) => (Date.parse(t.submittedAt!) - Date.parse(t.createdAt)) / 1000)
    .sort((a, b) => a - b)
  const median = completions.length ? completions[Math.floor((completions.length - 1) / 2)]! : -1
  const disputes = trades.filter((t) => t.disputed).length
  const signals: string[] = []
  if (trades.some((t) => t.buyerOrg === t.sellerOrg)) signals.push('same_org')
  if (n >= HIGH_FREQUENCY_TRADES && n / days >= HIGH_FREQUENCY_PER_DAY)
    signals.push('high_frequency')
  if (n >= MIN_TRADES && spread <= UNIFORM_SPREAD * 1000) signals.push('uniform_amounts')
  if (n >= MIN_TRADES && disputes === 0) signals.push('zero_disputes')
  if (completions.length >= MIN_TRADES && median < INSTANT_SECONDS)
    signals.push('instant_completion')
  return {
    signals,
    evidence: {
      trades: n,
      days: Math.round(days * 10) / 10,
      amountSpreadPerMille: spread,
      disputes,
      medianCompletionSeconds: Math.round(median),
    },
  }
}

const BEHAVIOURAL = ['high_frequency', 'uniform_amounts', 'zero_disputes', 'instant_completion']

/** Edges of the trade graph (buyer → seller), each with its signals. */
export function edgesOf(trades: readonly TradeFacts[]): Edge[] {
  const edges = new Map<string, Edge>()
  for (const t of trades) {
    if (t.buyer === t.seller) continue
    const k = `${t.buyer}>${t.seller}`
    const e = edges.get(k) ?? {
      buyer: t.buyer,
      seller: t.seller,
      trades: [],
      signals: [],
      evidence: {},
    }
    e.trades.push(t)
    edges.set(k, e)
  }
  for (const e of edges.values()) Object.assign(e, edgeSignals(e.trades))
  return [...edges.values()]
}

/** An edge that may be part of a ring: high frequency, two behavioural signals, or same org plus one. */
export function isSuspicious(e: Edge): boolean {
  return (
    e.signals.includes('high_frequency') ||
    e.signals.filter((s) => BEHAVIOURAL.includes(s)).length >= 2 ||
    sameOrgPlus(e.signals)
  )
}

/** One org on both sides, with a signal stronger than "no disputes" (common among honest pairs). */
function sameOrgPlus(signals: readonly string[]): boolean {
  return signals.includes('same_org') && signals.some((s) => STRONG.includes(s))
}
const STRONG = ['high_frequency', 'uniform_amounts', 'instant_completion']

/** Flags per escrow, seen from each party: `Map<agentId, Map<escrowId, flag>>`. */
export function detectAnomalies(
  trades: readonly TradeFacts[],
): Map<string, Map<string, AnomalyFlag>> {
  const edges = edgesOf(trades)
  const suspicious = new Map<string, string[]>()
  for (const e of edges)
    if (isSuspicious(e)) suspicious.set(e.buyer, [...(suspicious.get(e.buyer) ?? []), e.seller])
  const reaches = (from: string, to: string): boolean => {
    const seen = new Set([from])
    const queue = [from]
    while (queue.length) {
      const at = queue.pop()!
      for (const next of suspicious.get(at) ?? []) {
        if (next === to) return true
        if (!seen.has(next)) {
          seen.add(next)
          queue.push(next)
        }
      }
    }
    return false
  }
  // Each agent's trades, and those on cycles of suspicious edges: how insular its trading is.
  const cyclic = new Set(edges.filter((e) => isSuspicious(e) && reaches(e.seller, e.buyer)))
  const tradeCount = new Map<string, number>()
  const onCycles = new Map<string, number>()
  const count = (m: Map<string, number>, agent: string, n: number) =>
    m.set(agent, (m.get(agent) ?? 0) + n)
  for (const e of edges) {
    for (const a of [e.buyer, e.seller]) {
      count(tradeCount, a, e.trades.length)
      if (cyclic.has(e)) count(onCycles, a, e.trades.length)
    }
  }
  // per mille, rounded down: integer arithmetic, as the amounts' spread
  const shareOf = (a: string) => Math.floor(((onCycles.get(a) ?? 0) * 1000) / tradeCount.get(a)!)
  const out = new Map<string, Map<string, AnomalyFlag>>()
  const put = (agent: string, flag: AnomalyFlag) => {
    const m = out.get(agent) ?? new Map<string, AnomalyFlag>()
    m.set(flag.escrowId, flag)
    out.set(agent, m)
  }
  for (const e of edges) {
    const behavioural = e.signals.filter((s) => BEHAVIOURAL.includes(s)).length
    const signals = [...e.signals]
    let evidence = e.evidence
    if (cyclic.has(e)) {
      const share = Math.min(shareOf(e.buyer), shareOf(e.seller))
      evidence = { ...e.evidence, cycleSharePerMille: share }
      if (share >= INSULAR_SHARE * 1000) signals.push('trade_cycle')
    }
    const flagged = sameOrgPlus(signals) || behavioural >= 3 || signals.includes('trade_cycle')
    if (!flagged) continue
    for (const t of e.trades) {
      put(t.buyer, { escrowId: t.escrowId, counterpartyAgentId: t.seller, signals, evidence })
      put(t.seller, { escrowId: t.escrowId, counterpartyAgentId: t.buyer, signals, evidence })
    }
  }
  return out
}
