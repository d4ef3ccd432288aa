import { describe, expect, it } from 'vitest'
import { detectAnomalies, edgesOf } from './anomaly.ts'
import type { Evidence } from './evidence.ts'
import { tradesOf } from './trust-projection.ts'

// Each signal of the self-dealing detector (docs/trust-model.md, "Anomalies") just below and at
// its threshold, on one directed edge built from escrow evidence.

const T0 = Date.parse('2026-10-01T00:00:00.000Z')
const HOUR = 3_600_000
const DAY = 24 * HOUR
const iso = (ms: number) => new Date(T0 + ms).toISOString()

interface EdgeSpec {
  buyer?: string
  seller?: string
  trades: number
  /** From the first trade to the last; the trades are evenly spread over it. */
  spanMs?: number
  /** Amounts per trade; by default spread far apart (no `uniform_amounts`). */
  amounts?: readonly number[]
  /** How many trades are disputed (by default one: no `zero_disputes`). */
  disputed?: number
  sameOrg?: boolean
  /** Each completion's submittedAt after its escrow's creation; none by default. */
  submittedMs?: number
  /** The seller's claimed completion time after creation (by default the submitted time). */
  claimedMs?: number
  /** How many trades are completed (by default all, when `submittedMs` is set). */
  completed?: number
}

function edge(o: EdgeSpec): Evidence[] {
  const buyer = o.buyer ?? 'agt_a'
  const seller = o.seller ?? 'agt_b'
  const out: Evidence[] = []
  for (let i = 0; i < o.trades; i++) {
    const e = `esc_${buyer}_${seller}_${i}`
    const created =
      o.trades > 1 ? Math.round(((o.spanMs ?? o.trades * HOUR) * i) / (o.trades - 1)) : 0
    const base = { at: iso(created), key: e, escrowId: e }
    out.push({
      ...base,
      kind: 'escrow',
      id: `${e}_c`,
      pactId: 'pact_1',
      buyer,
      buyerOrg: `org_${buyer}`,
      seller,
      sellerOrg: o.sameOrg ? `org_${buyer}` : `org_${seller}`,
      amount: String(o.amounts?.[i] ?? 1_000_000 + i * 200_000),
      deadline: iso(created + DAY),
    })
    if (i < (o.disputed ?? 1))
      out.push({
        ...base,
        kind: 'dispute',
        id: `${e}_d`,
        at: iso(created + HOUR),
        disputedBy: buyer,
      })
    if (o.submittedMs !== undefined && i < (o.completed ?? o.trades))
      out.push({
        ...base,
        kind: 'completion',
        id: `${e}_s`,
        at: iso(created + o.submittedMs),
        verification: 'pass',
        completedAt: iso(created + (o.claimedMs ?? o.submittedMs)),
      })
  }
  return out
}

/** Each edge's signals, and the signals of its flag (null when its trades are not flagged). */
function judge(evidence: Evidence[]) {
  const trades = tradesOf(evidence)
  const flags = detectAnomalies(trades)
  return Object.fromEntries(
    edgesOf(trades).map((e) => {
      const flagsOf = e.trades.map((t) => flags.get(e.buyer)?.get(t.escrowId)?.signals ?? null)
      const sellerSide = e.trades.map((t) => flags.get(e.seller)?.get(t.escrowId)?.signals ?? null)
      // a flag covers every trade of its edge, on both sides
      expect(new Set([...flagsOf, ...sellerSide].map((s) => JSON.stringify(s))).size).toBe(1)
      return [`${e.buyer}>${e.seller}`, { signals: e.signals, flagged: flagsOf[0] ?? null }]
    }),
  )
}
const one = (o: EdgeSpec) => judge(edge(o))['agt_a>agt_b']

const UNIFORM_5 = [975_000, 1_000_000, 1_000_000, 1_000_000, 1_025_000] // spread 5.0% of the mean
const SPREAD_5_1 = [974_500, 1_000_000, 1_000_000, 1_000_000, 1_025_500] // 5.1%

describe('signal thresholds, one edge', () => {
  it.each([
    ['high_frequency: 9 trades in a day', { trades: 9, spanMs: 0.9 * DAY }, []],
    ['high_frequency: 10 trades in a day', { trades: 10, spanMs: 0.9 * DAY }, ['high_frequency']],
    [
      'high_frequency: 12 trades over 40 days (0.3 a day)',
      { trades: 12, spanMs: 40 * DAY },
      ['high_frequency'],
    ],
    ['high_frequency: 12 trades over 40 days + 1 ms', { trades: 12, spanMs: 40 * DAY + 1 }, []],
    ['uniform_amounts: 4 equal amounts', { trades: 4, amounts: [5, 5, 5, 5] }, []],
    [
      'uniform_amounts: 5 equal amounts',
      { trades: 5, amounts: [5, 5, 5, 5, 5] },
      ['uniform_amounts'],
    ],
    ['uniform_amounts: a 5.0% spread', { trades: 5, amounts: UNIFORM_5 }, ['uniform_amounts']],
    ['uniform_amounts: a 5.1% spread', { trades: 5, amounts: SPREAD_5_1 }, []],
    ['zero_disputes: 4 undisputed trades', { trades: 4, disputed: 0 }, []],
    ['zero_disputes: 5 undisputed trades', { trades: 5, disputed: 0 }, ['zero_disputes']],
    ['zero_disputes: 5 trades, 1 disputed', { trades: 5, disputed: 1 }, []],
    ['instant_completion: median 60 s', { trades: 5, submittedMs: 60_000 }, []],
    [
      'instant_completion: median 59.999 s',
      { trades: 5, submittedMs: 59_999 },
      ['instant_completion'],
    ],
    ['instant_completion: 4 completions of 5', { trades: 5, submittedMs: 1_000, completed: 4 }, []],
    ['same_org: one trade', { trades: 1, sameOrg: true }, ['same_org']],
  ] as const)('%s', (_, spec, signals) => {
    expect(one(spec)).toEqual({ signals, flagged: null })
  })

  it.each([
    // claimed 1 s, submitted 60 s after the lock: not instant
    [60_000, 1_000, []],
    // claimed an hour, submitted 59.999 s after the lock: instant
    [59_999, HOUR, ['instant_completion']],
  ])(
    'instant_completion reads the submitted time (%i ms), not the claimed one',
    (s, c, signals) => {
      expect(one({ trades: 5, submittedMs: s, claimedMs: c })).toEqual({ signals, flagged: null })
    },
  )
})

describe('when an edge is flagged', () => {
  const behaviour = { uniform: { amounts: UNIFORM_5 }, instant: { submittedMs: 1_000 } }
  it.each([
    ['same org alone', { trades: 5, sameOrg: true }, ['same_org'], false],
    [
      'same org, no disputes',
      { trades: 5, sameOrg: true, disputed: 0 },
      ['same_org', 'zero_disputes'],
      false,
    ],
    [
      'same org, high frequency',
      { trades: 10, sameOrg: true },
      ['same_org', 'high_frequency'],
      true,
    ],
    [
      'same org, uniform amounts',
      { trades: 5, sameOrg: true, ...behaviour.uniform },
      ['same_org', 'uniform_amounts'],
      true,
    ],
    [
      'same org, instant',
      { trades: 5, sameOrg: true, ...behaviour.instant },
      ['same_org', 'instant_completion'],
      true,
    ],
    [
      'two behavioural signals',
      { trades: 5, disputed: 0, ...behaviour.uniform },
      ['uniform_amounts', 'zero_disputes'],
      false,
    ],
    [
      'three behavioural signals',
      { trades: 5, disputed: 0, ...behaviour.uniform, ...behaviour.instant },
      ['uniform_amounts', 'zero_disputes', 'instant_completion'],
      true,
    ],
  ] as const)('%s', (_, spec, signals, flagged) => {
    expect(one(spec)).toEqual({ signals, flagged: flagged ? signals : null })
  })
})

describe('trade cycles', () => {
  // two behavioural signals: suspicious, not flagged alone
  const suspicious = { trades: 5, disputed: 0, amounts: UNIFORM_5 }
  const mild = { trades: 5, disputed: 0 } // zero disputes only: not suspicious
  const TWO = ['uniform_amounts', 'zero_disputes']
  const CYCLE = [...TWO, 'trade_cycle']

  it('two agents trading both ways on suspicious edges are flagged, both edges', () => {
    const r = judge([
      ...edge(suspicious),
      ...edge({ ...suspicious, buyer: 'agt_b', seller: 'agt_a' }),
    ])
    expect(r['agt_a>agt_b']).toEqual({ signals: TWO, flagged: CYCLE })
    expect(r['agt_b>agt_a']).toEqual({ signals: TWO, flagged: CYCLE })
  })

  it('no cycle when the way back is not suspicious', () => {
    const r = judge([...edge(suspicious), ...edge({ ...mild, buyer: 'agt_b', seller: 'agt_a' })])
    expect(r['agt_a>agt_b']!.flagged).toBeNull()
    expect(r['agt_b>agt_a']!.flagged).toBeNull()
  })

  it('high frequency both ways is enough for a cycle', () => {
    const hf = { trades: 10, spanMs: 0.9 * DAY }
    const r = judge([...edge(hf), ...edge({ ...hf, buyer: 'agt_b', seller: 'agt_a' })])
    expect(r['agt_a>agt_b']).toEqual({
      signals: ['high_frequency'],
      flagged: ['high_frequency', 'trade_cycle'],
    })
  })

  it.each([
    // 20 trades on the cycle each: with 20 elsewhere, exactly half (500 ‰); with 21, 487 ‰
    [20, ['high_frequency', 'trade_cycle']],
    [21, null],
  ] as const)(
    'a pair hiring each other often is a ring only if that is at least half its trading: %i trades elsewhere each',
    (elsewhere, flagged) => {
      const hf = { trades: 10, spanMs: 0.9 * DAY }
      // each also sells to others: mild edges (no signal), so on no cycle
      const others = (agent: string) =>
        Array.from({ length: elsewhere }, (_, i) =>
          edge({ trades: 1, buyer: `agt_o${agent}${i}`, seller: agent }),
        ).flat()
      const r = judge([
        ...edge(hf),
        ...edge({ ...hf, buyer: 'agt_b', seller: 'agt_a' }),
        ...others('agt_a'),
        ...others('agt_b'),
      ])
      expect(r['agt_a>agt_b']).toEqual({ signals: ['high_frequency'], flagged })
      expect(r['agt_b>agt_a']!.flagged).toEqual(flagged)
    },
  )

  it.each([
    ['closed by a suspicious edge', suspicious, CYCLE],
    ['left open by a mild edge', mild, null],
  ] as const)('a ring of three, %s', (_, closing, flagged) => {
    const r = judge([
      ...edge(suspicious),
      ...edge({ ...suspicious, buyer: 'agt_b', seller: 'agt_c' }),
      ...edge({ ...closing, buyer: 'agt_c', seller: 'agt_a' }),
    ])
    expect(r['agt_a>agt_b']!.flagged).toEqual(flagged)
    expect(r['agt_b>agt_c']!.flagged).toEqual(flagged)
  })
})
