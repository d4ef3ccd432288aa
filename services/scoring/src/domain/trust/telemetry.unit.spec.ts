import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type TelemetryDay,
  movesProfile,
  SLOW_CALL_MS,
  TELEMETRY_MIN_CALLS,
  type TelemetryRecordFacts,
  foldTelemetry,
  mergeDays,
  telemetryEvidence,
  telemetryRules,
} from './telemetry.ts'
import { DIMENSION_BASE, computeProfile } from './trust-model.ts'

const A = 'agt_a00000000000000000000000000'
const B = 'agt_b00000000000000000000000000'

function call(
  agentId: string,
  occurredAt: string,
  outcome = 'success',
  latencyMs = 100,
  receivedAt = occurredAt,
): TelemetryRecordFacts {
  return { agentId, type: 'tool_call', occurredAt, receivedAt, data: { outcome, latencyMs } }
}
const calls = (n: number, f: (i: number) => TelemetryRecordFacts) =>
  Array.from({ length: n }, (_, i) => f(i))

describe('telemetry rules, at their boundaries', () => {
  it('judges a day only on at least 20 tool calls', () => {
    expect(telemetryRules({ calls: TELEMETRY_MIN_CALLS - 1, errors: 19, slow: 19 })).toEqual([])
    expect(telemetryRules({ calls: TELEMETRY_MIN_CALLS, errors: 20, slow: 20 })).toEqual([
      'telemetry_error_rate',
      'telemetry_slow_calls',
    ])
  })

  it('an error rate of exactly 10% is tolerated, above it costs reliability', () => {
    expect(telemetryRules({ calls: 20, errors: 2, slow: 0 })).toEqual([])
    expect(telemetryRules({ calls: 20, errors: 3, slow: 0 })).toEqual(['telemetry_error_rate'])
    expect(telemetryRules({ calls: 1000, errors: 101, slow: 0 })).toEqual(['telemetry_error_rate'])
  })

  it('a slow share of exactly 10% is tolerated, above it costs latency', () => {
    expect(telemetryRules({ calls: 30, errors: 0, slow: 3 })).toEqual([])
    expect(telemetryRules({ calls: 30, errors: 0, slow: 4 })).toEqual(['telemetry_slow_calls'])
  })
})

describe('folding records into agent-days', () => {
  it('counts errors and timeouts as failures, and calls from 10 s on as slow', () => {
    const [d] = foldTelemetry([
      call(A, '2026-12-01T10:00:00.000Z', 'error'),
      call(A, '2026-12-01T10:00:01.000Z', 'timeout'),
      call(A, '2026-12-01T10:00:02.000Z', 'denied'),
      call(A, '2026-12-01T10:00:03.000Z', 'success', SLOW_CALL_MS - 1),
      call(A, '2026-12-01T10:00:04.000Z', 'success', SLOW_CALL_MS),
      {
        agentId: A,
        type: 'session_start',
        occurredAt: '2026-12-01T11:00:00.000Z',
        receivedAt: '2026-12-01T11:00:00.000Z',
        data: {},
      },
    ])
    expect(d).toEqual({
      agentId: A,
      day: '2026-12-01',
      records: 6,
      calls: 5,
      errors: 2,
      slow: 1,
      lastAt: '2026-12-01T11:00:00.000Z',
    })
  })

  it('splits at UTC midnight (offsets normalised) and caps a time at its receipt', () => {
    const days = foldTelemetry([
      call(A, '2026-12-01T23:59:59.999Z'),
      call(A, '2026-12-02T00:30:00.000+01:00'), // 23:30 UTC on the 1st
      call(B, '2026-12-09T00:00:00.000Z', 'success', 1, '2026-12-02T00:00:00.000Z'),
    ])
    expect(days.map((d) => [d.agentId, d.day, d.records, d.lastAt])).toEqual([
      [A, '2026-12-01', 2, '2026-12-01T23:59:59.999Z'],
      [B, '2026-12-02', 1, '2026-12-02T00:00:00.000Z'],
    ])
  })

  it('gives the same days whatever the batching (sums and a maximum)', () => {
    const records = calls(60, (i) =>
      call(i % 2 ? A : B, new Date(Date.UTC(2026, 11, 1 + (i % 3), i)).toISOString(), 'error'),
    )
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.boolean(), (size, reverse) => {
        const input = reverse ? records.slice().reverse() : records
        const merged = new Map<string, ReturnType<typeof foldTelemetry>[number]>()
        for (let i = 0; i < input.length; i += size)
          for (const d of foldTelemetry(input.slice(i, i + size))) {
            const k = `${d.agentId}|${d.day}`
            const before = merged.get(k)
            merged.set(k, before ? mergeDays(before, d) : d)
          }
        expect(
          [...merged.values()].sort((a, b) => (a.agentId + a.day < b.agentId + b.day ? -1 : 1)),
        ).toEqual(foldTelemetry(records))
      }),
    )
  })
})

describe('telemetry in the profile', () => {
  const day = (records: TelemetryRecordFacts[]) => foldTelemetry(records).map(telemetryEvidence)

  it('a failing day costs reliability 2 and a slow day latency 2, explained by the day', () => {
    const ev = day(
      calls(20, (i) =>
        call(
          A,
          `2026-12-01T10:00:${String(i).padStart(2, '0')}.000Z`,
          i < 3 ? 'error' : 'success',
          i < 3 ? SLOW_CALL_MS : 5,
        ),
      ),
    )
    const { profile: p, explanation: x } = computeProfile({
      agentId: A,
      evidence: ev,
      flagged: new Map(),
    })
    expect(p.scoreBreakdown.reliability).toBe(DIMENSION_BASE - 2)
    expect(p.scoreBreakdown.latency).toBe(DIMENSION_BASE - 2)
    expect(x.dimensions.reliability.contributions).toEqual([
      expect.objectContaining({
        eventId: 'telemetry:2026-12-01',
        eventType: 'telemetry',
        rule: 'telemetry_error_rate',
        points: -2,
      }),
    ])
    expect(x.dimensions.latency.contributions[0]!.rule).toBe('telemetry_slow_calls')
  })

  it('a healthy day moves no score but is activity: lastActiveAt is its latest minute', () => {
    const ev = day(calls(25, (i) => call(A, `2026-12-03T08:00:${String(i).padStart(2, '0')}.000Z`)))
    const { profile: p } = computeProfile({ agentId: A, evidence: ev, flagged: new Map() })
    expect(p.compositeScore).toBe(630)
    expect(p.lastActiveAt).toBe('2026-12-03T08:00:00.000Z')
  })

  it('a penalty decays like any other: gone 7 days + 2 weeks later', () => {
    const bad = day(
      calls(20, (i) => call(A, `2026-12-01T10:00:${String(i).padStart(2, '0')}.000Z`, 'error')),
    )
    const later = (d: string) => day([call(A, d)])
    const score = (extra: ReturnType<typeof day>) =>
      computeProfile({ agentId: A, evidence: [...bad, ...extra], flagged: new Map() }).profile
        .scoreBreakdown.reliability
    // the failing day is dated 10:00 (its latest record's minute)
    expect(score(later('2026-12-15T10:00:00.000Z'))).toBe(DIMENSION_BASE - 1)
    expect(score(later('2026-12-22T09:59:59.999Z'))).toBe(DIMENSION_BASE - 1)
    expect(score(later('2026-12-22T10:00:00.000Z'))).toBe(DIMENSION_BASE)
  })
})

describe('which telemetry moves a profile (the rest only adds counts)', () => {
  const day = (over: Partial<TelemetryDay> = {}): TelemetryDay => ({
    agentId: A,
    day: '2026-12-01',
    records: 30,
    calls: 30,
    errors: 3,
    slow: 0,
    lastAt: '2026-12-01T10:00:30.000Z',
    ...over,
  })

  it('a new day moves it; more records in the same minute, under the same rules, do not', () => {
    expect(movesProfile(undefined, day())).toBe(true)
    expect(
      movesProfile(day(), day({ records: 40, calls: 40, lastAt: '2026-12-01T10:00:59.999Z' })),
    ).toBe(false)
  })

  it('a new minute of activity moves it', () => {
    expect(movesProfile(day(), day({ lastAt: '2026-12-01T10:01:00.000Z' }))).toBe(true)
  })

  it('a rule crossing its limit, either way, moves it', () => {
    expect(movesProfile(day(), day({ errors: 4 }))).toBe(true) // 4/30 > 10%
    expect(movesProfile(day({ errors: 4 }), day({ errors: 4, calls: 40 }))).toBe(true)
    expect(movesProfile(day({ calls: 19, errors: 19 }), day({ calls: 20, errors: 19 }))).toBe(true)
  })
})
