import { describe, expect, it } from 'vitest'
import {
  type AgentFacts,
  type CheckRequest,
  decideCheck,
  localTime,
  type OrgPolicy,
  type PolicyDocument,
  type SessionFacts,
} from './check.ts'

const orgId = 'org_0123456789abcdefghjkmnpqrs'
const agentId = 'agt_0123456789abcdefghjkmnpqrs'
const sessionId = 'ses_0123456789abcdefghjkmnpqrs'
const saturdayMorning = new Date('2026-11-21T10:00:00.000Z')

const agent: AgentFacts = { agentId, orgId, status: 'active', capabilities: ['payments:*'] }
const session = (over: Partial<SessionFacts> = {}): SessionFacts => ({
  sessionId,
  agentId,
  status: 'active',
  mode: 'restricted',
  scopeCeiling: ['payments:transfer'],
  delegationId: null,
  expiresAt: null,
  ...over,
})
const request: CheckRequest = {
  agentId,
  action: 'pay the supplier',
  toolName: 'payments_transfer',
}

/** The document the org policy was shown for one check. */
function documentFor(
  req: CheckRequest,
  s?: SessionFacts,
  timezone = 'UTC',
  now = saturdayMorning,
): PolicyDocument {
  const seen: PolicyDocument[] = []
  const policy: OrgPolicy = {
    timezone,
    evaluate(doc) {
      seen.push(doc)
      return undefined
    },
  }
  decideCheck(req, agent, s, policy, now)
  expect(seen).toHaveLength(1)
  return seen[0]!
}

describe('the document an org policy sees', () => {
  it('describes the agent, the call and the time, with defaults for what the caller left out', () => {
    expect(documentFor(request)).toEqual({
      agent: { id: agentId, capabilities: ['payments:*'] },
      action: 'pay the supplier',
      tool: 'payments_transfer',
      capability: 'payments:transfer',
      effect: 'destructive',
      summary: null,
      params: {},
      session: null,
      time: { hour: 10, minute: 0, weekday: 6, date: '2026-11-21' },
    })
  })

  it('carries the summary, the params and the declared effect (which may only raise the classified one)', () => {
    const doc = documentFor({
      ...request,
      toolInputSummary: '600 EUR to ACME',
      params: { amount: 600, currency: 'EUR' },
      actionEffect: 'admin',
    })
    expect(doc).toMatchObject({
      summary: '600 EUR to ACME',
      params: { amount: 600, currency: 'EUR' },
      effect: 'admin',
    })
    // a declaration below the classified `destructive` does not lower what rules see
    expect(documentFor({ ...request, actionEffect: 'mutating' }).effect).toBe('destructive')
  })

  it('names the session, its mode and whether it was delegated', () => {
    const req = { ...request, sessionId }
    expect(documentFor(req, session()).session).toEqual({
      id: sessionId,
      mode: 'restricted',
      delegated: false,
    })
    const delegated = session({
      mode: 'supervised',
      delegationId: 'dlg_0123456789abcdefghjkmnpqrs',
    })
    expect(documentFor(req, delegated).session).toEqual({
      id: sessionId,
      mode: 'supervised',
      delegated: true,
    })
  })

  it("gives the time in the policy's time zone", () => {
    const sundayNightUtc = new Date('2026-11-22T23:30:00.000Z')
    expect(documentFor(request, undefined, 'Europe/Paris', sundayNightUtc).time).toEqual({
      hour: 0,
      minute: 30,
      weekday: 1,
      date: '2026-11-23',
    })
    expect(documentFor(request, undefined, 'America/Los_Angeles', sundayNightUtc).time).toEqual({
      hour: 15,
      minute: 30,
      weekday: 7,
      date: '2026-11-22',
    })
  })
})

describe('local time', () => {
  it.each([
    ['2026-11-23T12:00:00.000Z', 1],
    ['2026-11-24T12:00:00.000Z', 2],
    ['2026-11-25T12:00:00.000Z', 3],
    ['2026-11-26T12:00:00.000Z', 4],
    ['2026-11-27T12:00:00.000Z', 5],
    ['2026-11-28T12:00:00.000Z', 6],
    ['2026-11-29T12:00:00.000Z', 7],
  ])('numbers the weekday of %s the ISO way: %i', (iso, weekday) => {
    expect(localTime(new Date(iso), 'UTC').weekday).toBe(weekday)
  })

  it('counts hours from 0 to 23, midnight being 0', () => {
    expect(localTime(new Date('2026-11-23T00:05:00.000Z'), 'UTC')).toEqual({
      hour: 0,
      minute: 5,
      weekday: 1,
      date: '2026-11-23',
    })
    expect(localTime(new Date('2026-11-23T23:59:00.000Z'), 'UTC').hour).toBe(23)
  })

  it('follows daylight saving time', () => {
    expect(localTime(new Date('2026-07-01T12:00:00.000Z'), 'Europe/Paris').hour).toBe(14)
    expect(localTime(new Date('2026-12-01T12:00:00.000Z'), 'Europe/Paris').hour).toBe(13)
  })

  it('gives each time zone its own answer for the same instant', () => {
    const instant = new Date('2026-11-21T10:00:00.000Z')
    expect(localTime(instant, 'Asia/Tokyo').hour).toBe(19)
    expect(localTime(instant, 'UTC').hour).toBe(10)
    expect(localTime(instant, 'Asia/Tokyo').hour).toBe(19)
  })
})
