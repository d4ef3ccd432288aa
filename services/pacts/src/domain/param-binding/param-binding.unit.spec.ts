import { describe, expect, it } from 'vitest'
import { compileBindings } from '@tessera/conditions'
import { canonicalJson, sha256Hex } from '@tessera/crypto'
import { TRANSFER_BINDINGS } from '@tessera/testing'
import { type ActivePactBindings, type ObservedToolCall, decideToolCall } from './param-binding.ts'

const PACT = 'pact_01jf0000000000000000000000'
const pact: ActivePactBindings = {
  pactId: PACT,
  parties: [
    { agentId: 'agt_buyer', orgId: 'org_a' },
    { agentId: 'agt_seller', orgId: 'org_b' },
  ],
  bindings: compileBindings(TRANSFER_BINDINGS),
}
const at = new Date('2026-12-06T12:00:00.000Z')
const call = (over: Partial<ObservedToolCall> = {}): ObservedToolCall => ({
  telemetryEventId: '0193a000-0000-7000-8000-000000000001',
  agentId: 'agt_seller',
  orgId: 'org_b',
  tool: 'transfer_funds',
  params: { destination: 'acct_1', amount: 700 },
  ...over,
})

describe('a tool call under a pact', () => {
  it('breaking a binding is ParamBindingViolated, with the digest of the JCS params, not the params', () => {
    const outcome = decideToolCall(call(), pact, at)
    expect(outcome).toEqual({
      kind: 'violated',
      events: [
        {
          type: 'ParamBindingViolated',
          data: {
            pactId: PACT,
            agentId: 'agt_seller',
            tool: 'transfer_funds',
            rule: 'param_binding:amount_cap',
            // key order does not change the digest: it is over the canonical JSON
            paramsDigest: sha256Hex(canonicalJson({ amount: 700, destination: 'acct_1' })),
            telemetryEventId: '0193a000-0000-7000-8000-000000000001',
            detectedAt: '2026-12-06T12:00:00.000Z',
          },
        },
      ],
    })
  })

  it('one event per broken binding', () => {
    const outcome = decideToolCall(call({ params: { amount: 900, destination: 'x' } }), pact, at)
    expect(outcome.kind === 'violated' && outcome.events.map((e) => e.data.rule)).toEqual([
      'param_binding:amount_cap',
      'param_binding:allowlist',
    ])
  })

  it('a compliant call, or a tool the pact does not bind, complies', () => {
    expect(
      decideToolCall(call({ params: { amount: 500, destination: 'acct_1' } }), pact, at),
    ).toEqual({
      kind: 'complied',
    })
    expect(decideToolCall(call({ tool: 'web_search' }), pact, at)).toEqual({ kind: 'complied' })
  })

  it("an agent that is not a party (or a party's id under another org) stays out of the room", () => {
    expect(decideToolCall(call({ agentId: 'agt_other' }), pact, at)).toEqual({ kind: 'not_party' })
    expect(decideToolCall(call({ orgId: 'org_a' }), pact, at)).toEqual({ kind: 'not_party' })
  })
})
