/**
 * Self-dealing detection on generated markets, per camouflage level: the goal's rings (sizes 2,
 * 3, 4 and 6 at camouflage 0–3, 25 trades an edge, the unit test's gate) and "slow" rings
 * (camouflage 4: other orgs, ±15% amounts, 2–30 min, a dispute in 20, `--slow-trades` trades an
 * edge spread over 89 days) and "busy" rings (camouflage 5: as 3, each member also selling 60
 * times to the honest market), which it is known to miss; among honest traffic that includes
 * partner pairs (`--partner-pairs`, trading `--partner-trades` times each way over
 * `--partner-days`), what a ring imitates. For each seed: recall and false positives per trade
 * (the partners' share flagged apart); what the missed rings buy (each seller's composite with
 * its ring's trades minus without them), under the model's per-buyer cap and with no cap; and
 * what the cap costs everyone else (composites with the cap against with no cap). One JSON
 * document to stdout; takes about fifteen seconds a seed.
 *
 *   npx tsx bench/scoring-anomaly.bench.ts [--seeds N] [--slow-trades N] [--partner-pairs N]
 *     [--partner-trades N] [--partner-days N] [--per-buyer-cap N]
 */
// eslint-disable-next-line no-restricted-imports -- the detector, measured alone
import { type Evidence, toEvidence } from '@tessera/scoring-service/src/domain/trust/evidence.ts'
// eslint-disable-next-line no-restricted-imports -- the model's cap, measured
import { PER_BUYER_CAP } from '@tessera/scoring-service/src/domain/trust/trust-model.ts'
// eslint-disable-next-line no-restricted-imports -- what the missed rings buy, in the model
import { rebuildAll } from '@tessera/scoring-service/src/domain/trust/trust-projection.ts'
// eslint-disable-next-line no-restricted-imports -- the unit test's markets
import * as detection from '@tessera/scoring-service/src/testing/detection.ts'
import { parseOptions, progress, round } from './src/cli.ts'

const p = parseOptions(
  'bench/scoring-anomaly.bench.ts',
  {
    seeds: { env: 'BENCH_SEEDS', def: 3, help: 'markets measured (seeds 1…N)' },
    'slow-trades': { env: 'BENCH_SLOW_TRADES', def: 9, help: 'trades per edge of a slow ring' },
    'partner-pairs': {
      env: 'BENCH_PARTNER_PAIRS',
      def: detection.GOAL_PARTNERS.pairs,
      help: 'honest pairs trading both ways',
    },
    'partner-trades': {
      env: 'BENCH_PARTNER_TRADES',
      def: detection.GOAL_PARTNERS.tradesPerDirection,
      help: 'trades each way per honest pair',
    },
    'partner-days': {
      env: 'BENCH_PARTNER_DAYS',
      def: detection.GOAL_PARTNERS.days,
      help: 'days an honest pair trades over',
    },
    'per-buyer-cap': {
      env: 'BENCH_PER_BUYER_CAP',
      def: PER_BUYER_CAP,
      help: 'points one buyer may add to a dimension',
    },
  },
  process.argv.slice(2),
)
const slow = [2, 3, 4, 6].map((size) => ({
  size,
  camouflage: 4 as const,
  tradesPerEdge: p['slow-trades'],
}))
// "busy" rings: camouflage 3 whose members also sell 60 times to the honest market
const busy = [2, 3, 4, 6].map((size) => ({ size, camouflage: 5 as const, tradesPerEdge: 25 }))
const composites = (ev: Evidence[], perBuyerCap: number) =>
  new Map(rebuildAll(ev, { perBuyerCap }).map((pr) => [pr.agentId, pr.compositeScore]))
const mean = (xs: number[]) => round(xs.reduce((a, x) => a + x, 0) / Math.max(1, xs.length), 1)

const runs = []
for (let seed = 1; seed <= p.seeds; seed++) {
  progress(`seed ${seed}`)
  const m = detection.detectionMarket(seed, [...detection.GOAL_RINGS, ...slow, ...busy], {
    pairs: p['partner-pairs'],
    tradesPerDirection: p['partner-trades'],
    days: p['partner-days'],
  })
  const r = detection.measureDetection(m)
  const evidence = m.events.flatMap(toEvidence)
  // What a missed ring buys: each of its sellers' composite with its ring's trades minus without.
  const sellersOf = (trades: ReadonlySet<string>) =>
    new Set(
      evidence.flatMap((e) => (e.kind === 'escrow' && trades.has(e.escrowId) ? [e.seller] : [])),
    )
  const gain = (level: number, cap: number) => {
    const trades = m.colludingByCamouflage.get(level) ?? new Set<string>()
    const without = evidence.filter((e) => !('escrowId' in e) || !trades.has(e.escrowId))
    const [withRing, withoutRing] = [composites(evidence, cap), composites(without, cap)]
    const gains = [...sellersOf(trades)].map((a) => withRing.get(a)! - (withoutRing.get(a) ?? 0))
    return { members: gains.length, mean: mean(gains), max: Math.max(...gains) }
  }
  const members = new Set([
    ...sellersOf(m.colludingByCamouflage.get(4) ?? new Set()),
    ...sellersOf(m.colludingByCamouflage.get(5) ?? new Set()),
  ])
  // What the cap takes from the others: every agent not in a missed ring, cap against no cap.
  const [capped, uncapped] = [
    composites(evidence, p['per-buyer-cap']),
    composites(evidence, Infinity),
  ]
  const drops = [...capped]
    .filter(([a]) => !members.has(a))
    .map(([a, c]) => uncapped.get(a)! - c)
    .filter((d) => d !== 0)
  runs.push({
    seed,
    colludingTrades: r.colludingTrades,
    honestTrades: r.honestTrades,
    recallByCamouflage: Object.fromEntries(
      Object.entries(r.recallByCamouflage).map(([k, v]) => [k, round(v, 3)]),
    ),
    recallAll: round(r.recall, 3),
    falsePositiveRate: round(r.falsePositiveRate, 4),
    partnerTrades: m.partnerTrades.size,
    partnersFlaggedRate: round(r.partnersFlaggedRate, 3),
    ringGain: {
      slow: { withCap: gain(4, p['per-buyer-cap']), noCap: gain(4, Infinity) },
      busy: { withCap: gain(5, p['per-buyer-cap']), noCap: gain(5, Infinity) },
    },
    capCostToOthers: {
      agents: capped.size - members.size,
      moved: drops.length,
      meanDropOfMoved: mean(drops),
      maxDrop: drops.length ? Math.max(...drops) : 0,
    },
  })
}
process.stdout.write(
  `${JSON.stringify(
    {
      bench: 'scoring-anomaly',
      slowTradesPerEdge: p['slow-trades'],
      perBuyerCap: p['per-buyer-cap'],
      ringGain: 'composite with the ring trades minus without, per seller of a slow or busy ring',
      capCostToOthers: 'composite with no cap minus with the cap, every agent not in those rings',
      runs,
    },
    null,
    2,
  )}\n`,
)
