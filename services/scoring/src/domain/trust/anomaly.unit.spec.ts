import { describe, expect, it } from 'vitest'
import { market } from '../../testing/market.ts'
import { detectionMarket, measureDetection } from '../../testing/detection.ts'
import { detectAnomalies } from './anomaly.ts'
import { toEvidence } from './evidence.ts'
import { tradesOf } from './trust-projection.ts'

describe('self-dealing detection', () => {
  it.each([1, 2, 3])(
    'finds at least 95% of colluding trades, at most 1% false positives, seed %i',
    (seed) => {
      const r = measureDetection(detectionMarket(seed))
      console.log(JSON.stringify({ seed, ...r }))
      expect(r.recall).toBeGreaterThanOrEqual(0.95)
      expect(r.falsePositiveRate).toBeLessThanOrEqual(0.01)
      // the honest partners (in the false positives above) on their own, the hardest honest case
      expect(r.partnersFlaggedRate).toBeLessThanOrEqual(0.01)
    },
  )

  it('flags the reference example: 47 trades in 30 days, one org, $50 each, instant', () => {
    const m = market({
      seed: 9,
      orgs: 5,
      honestAgents: 20,
      honestTrades: 300,
      rings: [{ size: 2, camouflage: 0, tradesPerEdge: 24 }],
    })
    const flags = detectAnomalies(tradesOf(m.events.flatMap(toEvidence)))
    const ring = [...m.colluding]
    const any = [...flags.values()].flatMap((f) => [...f.values()])
    const flag = any.find((f) => f.escrowId === ring[0])
    expect(flag?.signals).toEqual(
      expect.arrayContaining([
        'same_org',
        'uniform_amounts',
        'zero_disputes',
        'instant_completion',
      ]),
    )
    expect(ring.every((id) => any.some((f) => f.escrowId === id))).toBe(true)
  })

  it('does not flag a loyal honest buyer: many trades one way, varied amounts and times', () => {
    const m = market({ seed: 4, orgs: 5, honestAgents: 6, honestTrades: 400, rings: [] })
    const flags = detectAnomalies(tradesOf(m.events.flatMap(toEvidence)))
    const n = [...flags.values()].reduce((s, f) => s + f.size, 0)
    expect(n / 2 / m.honest.size).toBeLessThanOrEqual(0.01)
  })
})
