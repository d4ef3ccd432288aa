import { describe, expect, it } from 'vitest'
import type { IntakeDeps, KnownAgent, RedactionRule } from './intake.types.ts'
import { acceptTelemetry, agentIdsOf, checkTelemetryEvents } from './telemetry.intake.ts'

function fakeDeps(): IntakeDeps {
  let n = 0
  return {
    newEventId: () => `00000000-0000-7000-8000-${String(++n).padStart(12, '0')}`,
    hash: (json) => `H(${json})`,
  }
}
const id = (n: number) => `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`

const known = (
  agentId: string,
  orgId: string,
  status: KnownAgent['status'] = 'active',
): KnownAgent => ({
  agentId,
  orgId,
  handle: agentId.slice(-8),
  status,
})
const agents = new Map(
  [
    known('agt_a1', 'org_a'),
    known('agt_b1', 'org_b'),
    known('agt_a_revoked', 'org_a', 'revoked'),
    known('agt_b_revoked', 'org_b', 'revoked'),
  ].map((a) => [a.agentId, a]),
)

const base = (agentId: string) => ({ sessionId: 's-1', agentId })
const start = (agentId = 'agt_a1', extra = {}) => ({
  type: 'session_start',
  ...base(agentId),
  startedAt: '2026-01-01T10:00:00+02:00',
  ...extra,
})
const end = (agentId = 'agt_a1') => ({
  type: 'session_end',
  ...base(agentId),
  endedAt: '2026-01-01T08:00:04Z',
  outcome: 'success',
})
const call = (params: Record<string, unknown> = { q: 'x' }, agentId = 'agt_a1') => ({
  type: 'tool_call',
  ...base(agentId),
  tool: 'web.search',
  params,
  outcome: 'success',
  latencyMs: 5,
  attemptedAt: '2026-01-01T08:00:02.123Z',
  pactId: 'pact-1',
})
const response = (agentId = 'agt_a1') => ({
  type: 'response',
  ...base(agentId),
  outcome: 'refusal',
  respondedAt: '2026-01-01T08:00:03Z',
})

function accept(raw: unknown[], callerOrg?: string, policies = new Map<string, RedactionRule>()) {
  return acceptTelemetry(checkTelemetryEvents(raw), agents, policies, fakeDeps(), callerOrg)
}

describe('acceptTelemetry: records', () => {
  it.each<[string, unknown, { type: string; occurredAt: string; pactId: string | null }]>([
    [
      'a session start (time with an offset, in UTC)',
      start('agt_a1', { pactId: 'p-9' }),
      { type: 'session_start', occurredAt: '2026-01-01T08:00:00.000Z', pactId: 'p-9' },
    ],
    [
      'a tool call',
      call(),
      { type: 'tool_call', occurredAt: '2026-01-01T08:00:02.123Z', pactId: 'pact-1' },
    ],
    [
      'a response',
      response(),
      { type: 'response', occurredAt: '2026-01-01T08:00:03.000Z', pactId: null },
    ],
    [
      'a session end',
      end(),
      { type: 'session_end', occurredAt: '2026-01-01T08:00:04.000Z', pactId: null },
    ],
  ])('stores %s with its type, time and pact', (_, raw, expected) => {
    const { records } = accept([raw], 'org_a')
    expect(records).toEqual([
      {
        eventId: id(1),
        orgId: 'org_a',
        agentId: 'agt_a1',
        protocol: 'telemetry',
        sessionId: 's-1',
        data: raw,
        ...expected,
      },
    ])
  })

  it("stores a keyless (bus) event under its agent's own org", () => {
    const { records } = accept([start('agt_a1'), start('agt_b1')])
    expect(records.map((r) => r.orgId)).toEqual(['org_a', 'org_b'])
  })

  it("redacts tool call params by the agent's org's policy, and nothing else", () => {
    const policies = new Map([['org_a', { dropKeys: ['password'], hashKeys: ['email'] }]])
    const { records } = accept(
      [
        call({ password: 'p', email: 'e', n: 1 }),
        start('agt_a1', { metadata: { password: 'kept' } }),
        call({ password: 'p' }, 'agt_b1'),
      ],
      undefined,
      policies,
    )
    expect(records.map((r) => r.data['params'] ?? r.data['metadata'])).toEqual([
      { email: 'sha256:H("e")', n: 1 },
      { password: 'kept' },
      { password: 'p' },
    ])
  })
})

describe('acceptTelemetry: rejections', () => {
  const cases: [string, unknown, string | undefined, string][] = [
    ['an agent nobody registered', start('agt_nobody'), 'org_a', 'UNKNOWN_AGENT'],
    ["another org's agent, with a key", start('agt_b1'), 'org_a', 'UNKNOWN_AGENT'],
    [
      "another org's revoked agent: not found, its status not told",
      start('agt_b_revoked'),
      'org_a',
      'UNKNOWN_AGENT',
    ],
    ['a revoked agent of the org', start('agt_a_revoked'), 'org_a', 'AGENT_REVOKED'],
    ['a revoked agent, on the bus', start('agt_a_revoked'), undefined, 'AGENT_REVOKED'],
    ['an unknown type', { type: 'heartbeat', ...base('agt_a1') }, 'org_a', 'VALIDATION_ERROR'],
    ['a bad timestamp', start('agt_a1', { startedAt: '2026-01-01' }), 'org_a', 'VALIDATION_ERROR'],
    ['a negative latency', { ...call(), latencyMs: -1 }, 'org_a', 'VALIDATION_ERROR'],
    ['an event over 8 KiB', call({ blob: 'x'.repeat(8200) }), 'org_a', 'EVENT_TOO_LARGE'],
    ['a NUL character', call({ q: 'a\u0000b' }), 'org_a', 'VALIDATION_ERROR'],
    ['not an object', 'session_start', 'org_a', 'VALIDATION_ERROR'],
    [
      'a time in year 0000',
      start('agt_a1', { startedAt: '0000-12-31T00:00:00Z' }),
      'org_a',
      'VALIDATION_ERROR',
    ],
    [
      'a time that is year 0000 in UTC',
      start('agt_a1', { startedAt: '0001-01-01T00:00:00+00:01' }),
      'org_a',
      'VALIDATION_ERROR',
    ],
    [
      'a time that is year 10000 in UTC',
      { ...end(), endedAt: '9999-12-31T23:59:59-00:01' },
      'org_a',
      'VALIDATION_ERROR',
    ],
    [
      'an unstorable time, even for an unknown agent',
      start('agt_nobody', { startedAt: '0000-01-01T00:00:00Z' }),
      'org_a',
      'VALIDATION_ERROR',
    ],
  ]
  it.each(cases.map(([what, raw, org, code]) => [what, code, raw, org] as const))(
    'rejects %s with %s',
    (_, code, raw, callerOrg) => {
      const { result, records } = accept([raw], callerOrg)
      expect(records).toEqual([])
      expect(result.rejected).toEqual([{ index: 0, code, message: expect.any(String) as string }])
    },
  )

  it.each([
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
    ['0001-01-01T01:00:00+01:00', '0001-01-01T00:00:00.000Z'],
  ])('accepts %s, within what the log holds, as %s', (startedAt, occurred) => {
    expect(accept([start('agt_a1', { startedAt })], 'org_a').records[0]?.occurredAt).toBe(occurred)
  })

  it('names the time field that is out of range', () => {
    const { result } = accept([{ ...call(), attemptedAt: '0000-01-01T00:00:00Z' }], 'org_a')
    expect(result.rejected[0]!.message).toMatch(/^attemptedAt: /)
  })

  it('says which field is wrong', () => {
    const { result } = accept([{ ...call(), outcome: 'maybe' }], 'org_a')
    expect(result.rejected[0]!.message).toMatch(/^outcome: /)
  })

  it('answers by index with the accepted ids in order: accepted, partial, rejected', () => {
    const all = accept([start(), end()], 'org_a').result
    expect(all).toMatchObject({
      status: 'accepted',
      acceptedCount: 2,
      rejectedCount: 0,
      eventIds: [id(1), id(2)],
    })
    const some = accept([start(), start('agt_nobody'), end()], 'org_a').result
    expect(some).toMatchObject({
      status: 'partial',
      acceptedCount: 2,
      rejectedCount: 1,
      eventIds: [id(1), id(2)],
    })
    expect(some.rejected.map((r) => r.index)).toEqual([1])
    const none = accept([start('agt_nobody')], 'org_a').result
    expect(none).toMatchObject({
      status: 'rejected',
      acceptedCount: 0,
      rejectedCount: 1,
      eventIds: [],
    })
  })
})

describe('agentIdsOf', () => {
  it('lists each agent of the valid events once', () => {
    expect(
      agentIdsOf(
        checkTelemetryEvents([
          start('agt_a1'),
          end('agt_a1'),
          start('agt_b1'),
          { type: 'x', agentId: 'agt_c' },
        ]),
      ),
    ).toEqual(['agt_a1', 'agt_b1'])
  })
})
