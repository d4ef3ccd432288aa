import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  type AgentFacts,
  type CheckRequest,
  decideCheck,
  type OrgPolicy,
  type SessionFacts,
} from './check.ts'
import { capabilityFor } from './tool-capability.ts'

const orgId = 'org_0123456789abcdefghjkmnpqrs'
const agentId = 'agt_0123456789abcdefghjkmnpqrs'
const sessionId = 'ses_0123456789abcdefghjkmnpqrs'
const now = new Date('2026-11-21T10:00:00.000Z')

const namespaces = ['web', 'files', 'db', 'tool'] as const
const verbs = ['search', 'read', 'delete_rows', 'transfer'] as const
const namespace = fc.constantFrom(...namespaces)
const verb = fc.constantFrom(...verbs)
const capabilities = fc.uniqueArray(
  fc.tuple(namespace, fc.constantFrom(...verbs, '*')).map(([ns, v]) => `${ns}:${v}`),
  { maxLength: 10 },
)
const camel = (v: string) => v.replace(/_(.)/g, (_, c: string) => c.toUpperCase())
const toolName = fc.oneof(
  fc.tuple(namespace, fc.constantFrom('_', '-', '.', '/', ':', ' '), verb).map((p) => p.join('')),
  fc.tuple(namespace, verb).map(([ns, v]) => ns + camel(`_${v}`)),
  verb,
  fc.string({ maxLength: 12 }),
)
const sometimes = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 3 })
const mostly = <T>(usual: T, rare: T) =>
  fc.oneof(
    { arbitrary: fc.constant(usual), weight: 4 },
    { arbitrary: fc.constant(rare), weight: 1 },
  )

const agent = fc.record({
  agentId: fc.constant(agentId),
  orgId: fc.constant(orgId),
  status: mostly<AgentFacts['status']>('active', 'revoked'),
  capabilities,
})
const session = fc.record({
  sessionId: fc.constant(sessionId),
  agentId: mostly(agentId, 'agt_zzzzzzzzzzzzzzzzzzzzzzzzzz'),
  status: mostly<SessionFacts['status']>('active', 'closed'),
  mode: fc.constantFrom('open', 'restricted', 'supervised'),
  scopeCeiling: capabilities,
  delegationId: fc.option(fc.constant('dlg_0123456789abcdefghjkmnpqrs')),
  expiresAt: fc.option(
    fc.integer({ min: -10_000, max: 60_000 }).map((ms) => new Date(now.getTime() + ms)),
  ),
})
const verdict = sometimes(
  fc.record({
    decision: fc.constantFrom('allow', 'deny', 'elevation_required'),
    rule: fc.constant('org.rule'),
    reason: fc.constant('the org says so'),
  }),
)
const effect = sometimes(fc.constantFrom('read', 'mutating', 'destructive', 'admin'))

/** Held directly, or through the namespace's `ns:*`. */
const holds = (list: readonly string[], capability: string) =>
  list.includes(capability) || list.includes(`${capability.slice(0, capability.indexOf(':'))}:*`)

/** What the agent may do here: its capabilities, or a delegated session's scope instead. */
function mayUse(a: AgentFacts, s: SessionFacts | undefined, capability: string): boolean {
  if (a.status !== 'active') return false
  if (!s) return holds(a.capabilities, capability)
  if (s.agentId !== a.agentId || s.status !== 'active') return false
  if (s.expiresAt && s.expiresAt <= now) return false
  if (s.delegationId) return holds(s.scopeCeiling, capability)
  return (
    holds(a.capabilities, capability) && (s.mode === 'open' || holds(s.scopeCeiling, capability))
  )
}

describe('an action check, whatever it is asked', () => {
  it('never allows, nor asks a human to allow, beyond what is held', () => {
    let passed = 0
    fc.assert(
      fc.property(
        agent,
        sometimes(session),
        toolName,
        effect,
        verdict,
        (a, s, tool, actionEffect, v) => {
          const policy: OrgPolicy = { timezone: 'UTC', evaluate: () => v }
          const req: CheckRequest = {
            agentId,
            action: 'act',
            toolName: tool,
            actionEffect,
            sessionId: s?.sessionId,
          }
          const out = decideCheck(req, a, s, policy, now)
          const capability = capabilityFor(tool)
          expect(out.capability).toBe(capability)
          if (out.decision !== 'deny') {
            passed++
            expect(mayUse(a, s, capability)).toBe(true)
          }
        },
      ),
      { numRuns: 2000 },
    )
    // the property means little unless checks do get through
    expect(passed).toBeGreaterThan(100)
  })
})
