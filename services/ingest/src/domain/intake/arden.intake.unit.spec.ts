import { describe, expect, it } from 'vitest'
import { acceptArden, checkArdenEvents, handlesOf } from './arden.intake.ts'
import type { IntakeDeps, KnownAgent, RedactionRule } from './intake.types.ts'

const USER = '01ARZ3NDEKTSV4RRFFQ69G5FAV'
const TOKEN_USER = '01BX5ZZKBKACTAV9WEVGEMMVRZ'

/** Event ids 1, 2, 3… as UUIDs; hashes that show what was hashed. */
function fakeDeps(): IntakeDeps {
  let n = 0
  return {
    newEventId: () => `00000000-0000-7000-8000-${String(++n).padStart(12, '0')}`,
    hash: (json) => `H(${json})`,
  }
}
const id = (n: number) => `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`

const agent = (
  handle: string,
  orgId: string,
  status: KnownAgent['status'] = 'active',
): KnownAgent => ({
  agentId: `agt_${handle}`,
  orgId,
  handle,
  status,
})
const agents = new Map(
  [
    agent('1234abcd', 'org_a'),
    agent('00000abc', 'org_a'),
    agent('5678ef90', 'org_b'),
    agent('dead0000', 'org_a', 'revoked'),
  ].map((a) => [a.handle, a]),
)
const ev = (agentRef: string, extra: Record<string, unknown> = {}) => ({
  agent: agentRef,
  user: USER,
  time: 1_700_000_000_000,
  data: { k: 'v' },
  ...extra,
})

/** Runs both phases as the service does. */
function accept(
  raw: unknown[],
  opts: { callerOrg?: string; tokenUser?: string; policies?: Map<string, RedactionRule> } = {},
) {
  return acceptArden(
    checkArdenEvents(raw, opts.tokenUser),
    agents,
    opts.policies ?? new Map(),
    fakeDeps(),
    opts.callerOrg,
  )
}

describe('acceptArden: agents', () => {
  it.each<[string, string, string, string | undefined]>([
    ['a registered agent, with the key of its org', 'A-1234abcd', 'accepted', 'org_a'],
    ['a registered agent, without a key', 's-1234ABCD', 'accepted', undefined],
    ['short hex, zero-padded to the handle', 'A-abc', 'accepted', 'org_a'],
    ['an agent nobody registered', 'A-ffffffff', 'unknown_agent', 'org_a'],
    ['a revoked agent', 'A-dead0000', 'unknown_agent', 'org_a'],
    ["another org's agent, with a key", 'A-5678ef90', 'unknown_agent', 'org_a'],
    ["another org's agent, without a key", 'A-5678ef90', 'accepted', undefined],
  ])('%s: %s → %s', (_, agentRef, expected, callerOrg) => {
    const { response } = accept([ev(agentRef)], callerOrg ? { callerOrg } : {})
    expect(response.rejected[0]?.error ?? response.status).toBe(expected)
  })

  it("stores an event under its agent's org and id", () => {
    const { records } = accept([ev('A-5678ef90')])
    expect(records[0]).toMatchObject({ orgId: 'org_b', agentId: 'agt_5678ef90' })
  })

  it('names the agent in the message of an unknown_agent', () => {
    const { messages } = accept([ev('A-ffffffff')])
    expect(messages.get(0)).toContain('A-ffffffff')
  })
})

describe('acceptArden: records and response', () => {
  it('builds the record as stored: arden_event, no session, time as ISO, the event as data', () => {
    const { records } = accept([ev('A-1234abcd', { bid: 5, mult: 2 })])
    expect(records).toEqual([
      {
        eventId: id(1),
        orgId: 'org_a',
        agentId: 'agt_1234abcd',
        protocol: 'arden',
        type: 'arden_event',
        sessionId: null,
        pactId: null,
        occurredAt: '2023-11-14T22:13:20.000Z',
        data: {
          agent: 'A-1234abcd',
          agentKind: 'real',
          agentHandle: '1234abcd',
          user: USER,
          bid: 5,
          mult: 2,
          time: 1_700_000_000_000,
          data: { k: 'v' },
        },
      },
    ])
  })

  it.each<[string, unknown[], { status: string; accepted: number; rejected: number }]>([
    [
      'all accepted',
      [ev('A-1234abcd'), ev('A-abc')],
      { status: 'accepted', accepted: 2, rejected: 0 },
    ],
    [
      'some accepted',
      [ev('A-1234abcd'), ev('A-ffffffff')],
      { status: 'partial', accepted: 1, rejected: 1 },
    ],
    [
      'none accepted',
      [ev('A-ffffffff'), { time: 1 }],
      { status: 'rejected', accepted: 0, rejected: 2 },
    ],
  ])('answers %s', (_, raw, expected) => {
    const { response } = accept(raw, { callerOrg: 'org_a' })
    expect({
      status: response.status,
      accepted: response.accepted_count,
      rejected: response.rejected_count,
    }).toEqual(expected)
    expect(response.event_ids).toHaveLength(expected.accepted)
  })

  it('gives ids to accepted events only, in request order, and rejects by index', () => {
    const { response, records } = accept(
      [
        ev('A-1234abcd', { data: { i: 0 } }),
        ev('A-1234abcd', { bid: -1 }),
        ev('A-1234abcd', { data: { i: 2 } }),
        ev('A-ffffffff'),
      ],
      { callerOrg: 'org_a' },
    )
    expect(response.event_ids).toEqual([id(1), id(2)])
    expect(records.map((r) => (r.data['data'] as { i: number }).i)).toEqual([0, 2])
    expect(response.rejected).toEqual([
      { index: 1, error: 'validation_error' },
      { index: 3, error: 'unknown_agent' },
    ])
  })

  it('keeps a reason in words for each rejected index, outside the response', () => {
    const { response, messages } = accept([ev('A-1234abcd', { time: 'soon' })])
    expect(response.rejected).toEqual([{ index: 0, error: 'validation_error' }])
    expect(messages.get(0)).toMatch(/time/)
  })

  it("fills a missing user from the token's, and keeps an explicit one", () => {
    const { records } = accept([ev('A-1234abcd', { user: undefined }), ev('A-1234abcd')], {
      tokenUser: TOKEN_USER,
    })
    expect(records.map((r) => r.data['user'])).toEqual([TOKEN_USER, USER])
  })

  it("applies the agent's org's redaction to object data, never to base64 data", () => {
    const policies = new Map([['org_a', { dropKeys: ['password'], hashKeys: ['email'] }]])
    const { records } = accept(
      [
        ev('A-1234abcd', { data: { password: 'p', email: 'e', n: 1 } }),
        ev('A-1234abcd', { data: 'cGFzc3dvcmQ=' }),
        ev('A-5678ef90', { data: { password: 'p' } }),
      ],
      { policies },
    )
    expect(records.map((r) => r.data['data'])).toEqual([
      { email: 'sha256:H("e")', n: 1 },
      'cGFzc3dvcmQ=',
      { password: 'p' },
    ])
  })
})

describe('handlesOf', () => {
  it('lists each handle to look up once, canonical, skipping invalid events', () => {
    const checked = checkArdenEvents([
      ev('A-ABC'),
      ev('abc'),
      ev('s-00000ABC'),
      ev('1234abcd'),
      ev('B-1'),
      { time: 1 },
    ])
    expect(handlesOf(checked).sort()).toEqual(['00000abc', '1234abcd'])
  })
})
