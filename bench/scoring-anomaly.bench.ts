/**
 * Self-dealing detection on generated markets, per camouflage level: the goal's rings (sizes 2,
 * 3, 4 and 6 at camouflage 0–3, 25 trades an edge, the unit test's gate) and "slow" rings
 * (camouflage 4: other orgs, ±15% amounts, 2–30 min, a dispute in 20, `--slow-trades` trades an
 * edge spread over 89 days), which the detector is known to miss. Recall and false positives
 * per trade, for each seed; and what the slow rings buy: each slow-ring member's composite with
 * its ring's trades minus without them (the whole model, flags included). One JSON document to
 * stdout; takes a few seconds a seed.
 *
 *   npx tsx bench/scoring-anomaly.bench.ts [--seeds N] [--slow-trades N]
 */
// eslint-disable-next-line no-restricted-imports -- the detector, measured alone
import { GOAL_RINGS, measureDetection } from '@tessera/scoring-service/src/testing/detection.ts'
// eslint-disable-next-line no-restricted-imports -- what the missed rings buy, in the model
import { type Evidence, toEvidence } from '@tessera/scoring-service/src/domain/trust/evidence.ts'
// eslint-disable-next-line no-restricted-imports -- what the missed rings buy, in the model
import { rebuildAll } from '@tessera/scoring-service/src/domain/trust/trust-projection.ts'
import { parseOptions, progress, round } from './src/cli.ts'

const p = parseOptions(
  'bench/scoring-anomaly.bench.ts',
  {
    seeds: { env: 'BENCH_SEEDS', def: 3, help: 'markets measured (seeds 1…N)' },
    'slow-trades': { env: 'BENCH_SLOW_TRADES', def: 9, help: 'trades per edge of a slow ring' },
  },
  process.argv.slice(2),
)
const slow = [2, 3, 4, 6].map((size) => ({
  size,
  camouflage: 4 as const,
  tradesPerEdge: p['slow-trades'],
}))
const runs = []
for (let seed = 1; seed <= p.seeds; seed++) {
  progress(`seed ${seed}`)
  const r = measureDetection(seed, [...GOAL_RINGS, ...slow])
  const evidence = r.market.events.flatMap(toEvidence)
  const slowTrades = r.market.colludingByCamouflage.get(4) ?? new Set<string>()
  const members = new Set(
    evidence.flatMap((e) => (e.kind === 'escrow' && slowTrades.has(e.escrowId) ? [e.seller] : [])),
  )
  const composites = (ev: Evidence[]) =>
    new Map(rebuildAll(ev).map((p) => [p.agentId, p.compositeScore]))
  const withRing = composites(evidence)
  const without = composites(
    evidence.filter((e) => !('escrowId' in e) || !slowTrades.has(e.escrowId)),
  )
  const gains = [...members].map((a) => (withRing.get(a) ?? 0) - (without.get(a) ?? 0))
  runs.push({
    seed,
    colludingTrades: r.colludingTrades,
    honestTrades: r.honestTrades,
    recallByCamouflage: Object.fromEntries(
      Object.entries(r.recallByCamouflage).map(([k, v]) => [k, round(v, 3)]),
    ),
    recallAll: round(r.recall, 3),
    falsePositiveRate: round(r.falsePositiveRate, 4),
    slowRingGain: {
      what: 'composite with the ring trades minus without, per slow-ring member (sellers)',
      members: gains.length,
      mean: round(gains.reduce((x, g) => x + g, 0) / Math.max(1, gains.length), 1),
      max: Math.max(...gains),
    },
  })
}
process.stdout.write(
  `${JSON.stringify({ bench: 'scoring-anomaly', slowTradesPerEdge: p['slow-trades'], runs }, null, 2)}\n`,
)
