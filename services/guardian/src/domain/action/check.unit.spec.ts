import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ActionEffect } from '@tessera/contracts'
import {
  type AgentFacts,
  CheckedAgentNotFound,
  CheckedSessionNotFound,
  type CheckRequest,
  decideCheck,
  type OrgPolicy,
  type PolicyDocument,
  type SessionFacts,
  type Verdict,
} from './check.ts'
import { classifyEffect, riskOf } from './effect-classifier.ts'

const orgId = 'org_0123456789abcdefghjkmnpqrs'
const agentId = 'agt_0123456789abcdefghjkmnpqrs'
const otherAgentId = 'agt_zzzzzzzzzzzzzzzzzzzzzzzzzz'
const sessionId = 'ses_0123456789abcdefghjkmnpqrs'
const delegationId = 'dlg_0123456789abcdefghjkmnpqrs'
const now = new Date('2026-11-21T10:00:00.000Z')

const agent = (over: Partial<AgentFacts> = {}): AgentFacts => ({
  agentId,
  orgId,
  status: 'active',
  capabilities: ['web:search', 'files:*'],
  ...over,
})
const session = (over: Partial<SessionFacts> = {}): SessionFacts => ({
  sessionId,
  agentId,
  status: 'active',
  mode: 'open',
  scopeCeiling: ['web:search', 'files:*'],
  delegationId: null,
  expiresAt: null,
  ...over,
})
const request = (over: Partial<CheckRequest> = {}): CheckRequest => ({
  agentId,
  action: 'look something up',
  toolName: 'web_search',
  ...over,
})

/** An org policy that records every document it is shown and answers `verdict`. */
function policy(verdict?: Verdict, timezone = 'UTC'): OrgPolicy & { seen: PolicyDocument[] } {
  const seen: PolicyDocument[] = []
  return {
    timezone,
    seen,
    evaluate(doc) {
      seen.push(doc)
      return verdict
    },
  }
}
const check = (req: CheckRequest, a?: AgentFacts, s?: SessionFacts, p = policy()) =>
  decideCheck(req, a, s, p, now)

describe('an action check', () => {
  it('refuses to decide for an agent or a session it does not know', () => {
    expect(() => check(request(), undefined)).toThrow(CheckedAgentNotFound)
    expect(() => check(request({ sessionId }), agent(), undefined)).toThrow(CheckedSessionNotFound)
  })

  it('allows a tool within the agent’s capabilities, naming the capability that let it through', () => {
    expect(check(request({ toolName: 'webSearch' }), agent())).toEqual({
      decision: 'allow',
      rule: 'agent.capabilities',
      reason: "web:search is within the agent's capabilities",
      capability: 'web:search',
      effect: 'read',
      effectSource: 'classified',
      confidence: 0.7,
    })
  })

  it('denies a tool the agent does not hold, with or without an open session', () => {
    const req = request({ toolName: 'payments_transfer' })
    const cases = [check(req, agent()), check({ ...req, sessionId }, agent(), session())]
    for (const out of cases) {
      expect(out).toMatchObject({
        decision: 'deny',
        rule: 'agent.capabilities',
        reason: 'the agent does not hold payments:transfer',
        capability: 'payments:transfer',
      })
    }
  })

  it('lets ns:* cover every tool of that namespace, and only that namespace', () => {
    const a = agent({ capabilities: ['files:*'] })
    expect(check(request({ toolName: 'files.deleteAll' }), a)).toMatchObject({
      decision: 'allow',
      capability: 'files:delete_all',
    })
    expect(check(request({ toolName: 'filesystem_read' }), a)).toMatchObject({
      decision: 'deny',
      rule: 'agent.capabilities',
    })
    expect(
      check(request({ toolName: 'search' }), agent({ capabilities: ['tool:*'] })).decision,
    ).toBe('allow')
  })

  describe('the effect', () => {
    it('may be raised by a declaration, with full confidence', () => {
      const out = check(request({ toolName: 'files_read', actionEffect: 'destructive' }), agent())
      expect(out).toMatchObject({ effect: 'destructive', effectSource: 'declared', confidence: 1 })
      const same = check(
        request({ toolName: 'files_delete', actionEffect: 'destructive' }),
        agent(),
      )
      expect(same).toMatchObject({ effect: 'destructive', effectSource: 'declared', confidence: 1 })
    })

    it.each([
      ['files_delete', 'read', 'destructive', 0.7],
      ['db_drop_table', 'read', 'destructive', 0.7],
      ['grant_role', 'destructive', 'admin', 0.9],
      ['files_frobnicate', 'read', 'mutating', 0.3],
    ] as const)(
      'is never lowered by a declaration: %s declared %s stays %s (classified, at %s)',
      (toolName, actionEffect, effect, confidence) => {
        const out = check(request({ toolName, actionEffect }), agent())
        expect(out).toMatchObject({ effect, effectSource: 'classified', confidence })
      },
    )

    it('is never less risky than the classified one, whatever is declared (property)', () => {
      const words = ['get', 'list', 'send', 'create', 'delete', 'drop', 'pay', 'grant', 'sudo']
      const toolName = fc.oneof(
        fc.string({ maxLength: 30 }).filter((t) => t.trim() !== ''),
        fc
          .array(fc.oneof(fc.constantFrom(...words), fc.stringMatching(/^[a-z]{1,6}$/)), {
            minLength: 1,
            maxLength: 4,
          })
          .chain((ws) => fc.constantFrom('_', '-', '.', ' ').map((sep) => ws.join(sep))),
      )
      const declared = fc.option(fc.constantFrom(...ActionEffect.options), { nil: undefined })
      fc.assert(
        fc.property(toolName, declared, (name, actionEffect) => {
          const out = check(request({ toolName: name, actionEffect }), agent())
          const classified = classifyEffect(name)
          expect(riskOf(out.effect)).toBeGreaterThanOrEqual(riskOf(classified.effect))
          if (actionEffect !== undefined) {
            expect(riskOf(out.effect)).toBeGreaterThanOrEqual(riskOf(actionEffect))
          }
          // the stronger of the two decides, and says which it was
          expect(out.effectSource).toBe(out.effect === actionEffect ? 'declared' : 'classified')
        }),
        { numRuns: 2_000 },
      )
    })

    it.each([
      ['files_delete', 'destructive', 0.7],
      ['delete_files', 'destructive', 0.9],
      ['files_frobnicate', 'mutating', 0.3],
    ] as const)(
      'is classified from %s when not declared: %s at %s',
      (toolName, effect, confidence) => {
        const out = check(request({ toolName }), agent())
        expect(out).toMatchObject({ effect, confidence, effectSource: 'classified' })
      },
    )
  })

  describe('refuses on structure, before the org policy is asked', () => {
    const tool = request({ toolName: 'files_read', sessionId })
    it.each<[string, AgentFacts, SessionFacts | undefined, CheckRequest]>([
      ['agent.revoked', agent({ status: 'revoked' }), session(), tool],
      ['agent.revoked', agent({ status: 'revoked' }), undefined, request()],
      ['session.agent_mismatch', agent(), session({ agentId: otherAgentId }), tool],
      ['session.closed', agent(), session({ status: 'closed' }), tool],
      ['session.expired', agent(), session({ expiresAt: now }), tool],
      ['session.expired', agent(), session({ expiresAt: new Date(now.getTime() - 1) }), tool],
      [
        'delegation.scope',
        agent(),
        session({ delegationId, mode: 'open', scopeCeiling: ['web:search'] }),
        tool,
      ],
      ['agent.capabilities', agent({ capabilities: ['web:search'] }), session(), tool],
      [
        'session.scope_ceiling',
        agent(),
        session({ mode: 'restricted', scopeCeiling: ['web:search'] }),
        tool,
      ],
      [
        'session.scope_ceiling',
        agent(),
        session({ mode: 'supervised', scopeCeiling: ['web:search'] }),
        tool,
      ],
    ])('%s (case %#)', (rule, a, s, req) => {
      const p = policy({ decision: 'allow', rule: 'org.allow_all', reason: 'anything goes' })
      expect(check(req, a, s, p)).toMatchObject({ decision: 'deny', rule })
      expect(p.seen).toEqual([])
    })

    it('in that order: the agent, whose session it is, then whether the session is open', () => {
      const s = session({ agentId: otherAgentId, status: 'closed', expiresAt: now })
      expect(check(request({ sessionId }), agent({ status: 'revoked' }), s).rule).toBe(
        'agent.revoked',
      )
      expect(check(request({ sessionId }), agent(), s).rule).toBe('session.agent_mismatch')
      expect(
        check(request({ sessionId }), agent(), session({ status: 'closed', expiresAt: now })).rule,
      ).toBe('session.closed')
    })
  })

  it('keeps a session that expires a moment from now usable', () => {
    const s = session({ expiresAt: new Date(now.getTime() + 1) })
    expect(check(request({ sessionId }), agent(), s).decision).toBe('allow')
  })

  it('lets an open session use all the agent holds, above its ceiling', () => {
    const s = session({ mode: 'open', scopeCeiling: ['web:search'] })
    expect(check(request({ toolName: 'files_read', sessionId }), agent(), s)).toMatchObject({
      decision: 'allow',
      rule: 'agent.capabilities',
    })
  })

  it('lets a delegated session use its delegated scope, even beyond the agent’s capabilities', () => {
    const s = session({ delegationId, mode: 'restricted', scopeCeiling: ['payments:transfer'] })
    const req = request({ toolName: 'payments_transfer', actionEffect: 'mutating', sessionId })
    expect(check(req, agent({ capabilities: [] }), s)).toMatchObject({
      decision: 'allow',
      rule: 'delegation.scope',
      reason: "payments:transfer is within the delegation's scope",
    })
  })

  it('passes the org policy’s verdict through, with the capability and effect', () => {
    for (const decision of ['deny', 'elevation_required', 'allow'] as const) {
      const verdict = { decision, rule: 'org.big_transfers', reason: 'params.amount > 500' }
      const a = agent({ capabilities: ['payments:*'] })
      expect(
        check(request({ toolName: 'payments_transfer' }), a, undefined, policy(verdict)),
      ).toEqual({
        ...verdict,
        capability: 'payments:transfer',
        effect: 'destructive',
        effectSource: 'classified',
        confidence: 0.7,
      })
    }
  })

  describe('in a supervised session', () => {
    const supervised = session({ mode: 'supervised' })

    it.each(['destructive', 'admin'] as const)(
      'asks for approval of a %s action',
      (actionEffect) => {
        const out = check(
          request({ toolName: 'files_x', actionEffect, sessionId }),
          agent(),
          supervised,
        )
        expect(out).toMatchObject({
          decision: 'elevation_required',
          rule: 'session.supervised',
          reason: `a ${actionEffect} action in a supervised session needs approval`,
        })
      },
    )

    it.each(['read', 'mutating'] as const)('allows a %s action', (actionEffect) => {
      const out = check(
        request({ toolName: 'files_x', actionEffect, sessionId }),
        agent(),
        supervised,
      )
      expect(out).toMatchObject({ decision: 'allow', rule: 'agent.capabilities' })
    })

    it('asks for approval of a destructive action classified from the name, delegated or not', () => {
      const req = request({ toolName: 'files_delete', sessionId })
      expect(check(req, agent(), supervised).decision).toBe('elevation_required')
      const delegated = session({
        mode: 'supervised',
        delegationId,
        scopeCeiling: ['files:delete'],
      })
      expect(check(req, agent({ capabilities: [] }), delegated).decision).toBe('elevation_required')
    })

    it('lets the org policy’s verdict come first', () => {
      const deny = { decision: 'deny' as const, rule: 'org.no_deletes', reason: 'never' }
      const out = check(
        request({ toolName: 'files_delete', sessionId }),
        agent(),
        supervised,
        policy(deny),
      )
      expect(out).toMatchObject(deny)
    })

    it('outside a supervised session, does not ask for a destructive action', () => {
      for (const mode of ['open', 'restricted'] as const) {
        const s = session({ mode })
        expect(check(request({ toolName: 'files_delete', sessionId }), agent(), s).decision).toBe(
          'allow',
        )
      }
    })
  })
})
