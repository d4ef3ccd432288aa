import { describe, expect, it } from 'vitest'
import { activePactBindings } from '@tessera/conditions'
import { TRANSFER_BINDINGS } from '@tessera/testing'
import { type AgentFacts, type CheckRequest, type OrgPolicy, decideCheck } from './check.ts'
import type { PactFacts } from './pact-binding.ts'

const orgId = 'org_0123456789abcdefghjkmnpqrs'
const agentId = 'agt_0123456789abcdefghjkmnpqrs'
const pactId = 'pact_0123456789abcdefghjkmnpqrs'
const now = new Date('2026-12-06T10:00:00.000Z')

const agent: AgentFacts = { agentId, orgId, status: 'active', capabilities: ['transfer:*'] }
const pact = (buyer = { agentId, orgId }) =>
  activePactBindings({
    pactId,
    buyer,
    seller: { agentId: 'agt_seller', orgId: 'org_seller' },
    conditions: TRANSFER_BINDINGS,
  })
const allowAll: OrgPolicy = { timezone: 'UTC', evaluate: () => undefined }
const denyAll: OrgPolicy = {
  timezone: 'UTC',
  evaluate: () => ({ decision: 'deny', rule: 'policy.rule', reason: 'org rule' }),
}
const request = (over: Partial<CheckRequest> = {}): CheckRequest => ({
  agentId,
  action: 'tool_call',
  toolName: 'transfer_funds',
  pactId,
  params: { amount: 700, destination: 'acct_1' },
  ...over,
})
const check = (req: CheckRequest, p: PactFacts | null = pact(), policy = allowAll) =>
  decideCheck(req, agent, undefined, policy, now, p)

describe('a check under a pact', () => {
  it('denies params that break a binding, naming the condition and what it requires', () => {
    expect(check(request())).toMatchObject({
      decision: 'deny',
      rule: 'pact.param_binding',
      reason: `transfer_funds breaks the binding "amount_cap" of pact ${pactId}: it requires amount <= 500`,
    })
    expect(check(request({ params: { amount: 1, destination: 'acct_9' } })).reason).toContain(
      '"allowlist"',
    )
  })

  it('allows params that satisfy every binding of the tool, and other tools', () => {
    expect(check(request({ params: { amount: 500, destination: 'acct_1' } }))).toMatchObject({
      decision: 'allow',
      rule: 'agent.capabilities',
    })
    expect(check(request({ toolName: 'transfer_status', params: {} })).decision).toBe('allow')
  })

  it('without params, a bound tool is denied: a binding needs its values', () => {
    expect(check(request({ params: undefined })).rule).toBe('pact.param_binding')
  })

  it('the pact comes before the org rules: a breaking call is denied by the pact', () => {
    expect(check(request(), pact(), denyAll).rule).toBe('pact.param_binding')
    expect(
      check(request({ params: { amount: 5, destination: 'acct_1' } }), pact(), denyAll).rule,
    ).toBe('policy.rule')
  })

  it('fails closed when guardian holds no such pact (unknown or not yet announced)', () => {
    expect(check(request({ params: { amount: 5, destination: 'acct_1' } }), null)).toMatchObject({
      decision: 'deny',
      rule: 'pact.unknown',
    })
  })

  it("another org's pact reads as unknown: the id says nothing about pacts the caller cannot see", () => {
    const foreign = pact({ agentId: 'agt_x', orgId: 'org_x' })
    expect(check(request(), foreign).rule).toBe('pact.unknown')
  })

  it("denies an agent of a party's org that is not itself a party", () => {
    const colleague = pact({ agentId: 'agt_colleague', orgId })
    expect(
      check(request({ params: { amount: 5, destination: 'acct_1' } }), colleague),
    ).toMatchObject({
      decision: 'deny',
      rule: 'pact.not_party',
    })
  })

  it('a check that names no pact ignores any pact facts', () => {
    expect(check(request({ pactId: undefined }), null).decision).toBe('allow')
  })

  it('a refusal before the pact (a revoked agent) still decides first', () => {
    const revoked = { ...agent, status: 'revoked' as const }
    expect(decideCheck(request(), revoked, undefined, allowAll, now, pact()).rule).toBe(
      'agent.revoked',
    )
  })
})
