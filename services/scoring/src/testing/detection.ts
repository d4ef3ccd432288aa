import { detectAnomalies } from '../domain/trust/anomaly.ts'
import { toEvidence } from '../domain/trust/evidence.ts'
import { tradesOf } from '../domain/trust/trust-projection.ts'
import { type Market, type MarketSpec, type RingSpec, market } from './market.ts'

/** The rings the detection goal is measured on: sizes 2, 3, 4 and 6 at camouflage 0–3. */
export const GOAL_RINGS: RingSpec[] = [2, 3, 4, 6].flatMap((size) =>
  ([0, 1, 2, 3] as const).map((camouflage) => ({ size, camouflage, tradesPerEdge: 25 })),
)

/**
 * Honest pairs of two orgs hiring each other often, both ways (12 trades each way over 30 days:
 * high frequency, so each pair is a two-edge cycle): the honest traffic a ring imitates.
 */
export const GOAL_PARTNERS: NonNullable<MarketSpec['partners']> = {
  pairs: 20,
  tradesPerDirection: 12,
  days: 30,
}

/**
 * The market detection is measured on: 400 honest agents (~20k trades) and honest partner
 * pairs, and the given rings.
 */
export function detectionMarket(
  seed: number,
  rings: RingSpec[] = GOAL_RINGS,
  partners: MarketSpec['partners'] = GOAL_PARTNERS,
): Market {
  return market({ seed, orgs: 40, honestAgents: 400, honestTrades: 20_000, rings, partners })
}

/** Recall and false-positive rate of the anomaly detector on a market, per trade. */
export function measureDetection(m: Market) {
  const flags = detectAnomalies(tradesOf(m.events.flatMap(toEvidence)))
  const flagged = new Set<string>()
  for (const perAgent of flags.values()) for (const id of perAgent.keys()) flagged.add(id)
  const hits = [...m.colluding].filter((id) => flagged.has(id)).length
  const recallByCamouflage: Record<number, number> = {}
  for (const [level, ids] of m.colludingByCamouflage)
    recallByCamouflage[level] = [...ids].filter((id) => flagged.has(id)).length / ids.size
  const falsePositives = [...m.honest].filter((id) => flagged.has(id)).length
  const partnersFlagged = [...m.partnerTrades].filter((id) => flagged.has(id)).length
  return {
    colludingTrades: m.colluding.size,
    honestTrades: m.honest.size,
    recall: hits / m.colluding.size,
    falsePositiveRate: falsePositives / m.honest.size,
    recallByCamouflage,
    /** Of the honest partners' trades (0 when there are none). */
    partnersFlaggedRate: m.partnerTrades.size ? partnersFlagged / m.partnerTrades.size : 0,
  }
}
