import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  DelegationDepthExceeded,
  DelegationExpired,
  MAX_DELEGATION_DEPTH,
  ScopeNotDelegable,
  delegationDecider,
} from './delegation.decider.ts'
import { type Delegation, type DelegationState, evolve } from './delegation.state.ts'

const NAMESPACES = ['web', 'files', 'db'] as const
const ACTIONS = ['read', 'write', 'search'] as const
const orgId = 'org_0123456789abcdefghjkmnpqrs'
const agentAt = (i: number) => `agt_${String(i).padStart(26, '0')}`
const delegationAt = (i: number) => `dlg_${String(i).padStart(26, '0')}`
const start = Date.parse('2026-11-22T10:00:00.000Z')

/**
 * The oracle, written apart from `covers`: what a scope allows as a set of concrete actions.
 * `ns:*` allows every action of `ns`, including ones nobody has named yet (`ns:?`).
 */
function allows(scope: readonly string[]): Set<string> {
  const out = new Set<string>()
  for (const cap of scope) {
    const [ns, action] = cap.split(':') as [string, string]
    if (action === '*') for (const a of [...ACTIONS, '?']) out.add(`${ns}:${a}`)
    else out.add(cap)
  }
  return out
}
const within = (scope: readonly string[], held: readonly string[]) => {
  const allowed = allows(held)
  return [...allows(scope)].every((a) => allowed.has(a))
}

const capability = fc
  .tuple(fc.constantFrom(...NAMESPACES), fc.constantFrom(...ACTIONS, '*'))
  .map(([ns, a]) => `${ns}:${a}`)
/** A requested capability: often one the delegator holds, so chains do get deep. */
const request = fc.record({ fromHeld: fc.boolean(), index: fc.nat(), cap: capability })
const step = fc.record({
  scope: fc.array(request, { minLength: 1, maxLength: 5 }),
  ttlSeconds: fc.integer({ min: 1, max: 86_400 }),
  /** Seconds since the previous step. */
  after: fc.integer({ min: 0, max: 600 }),
})

describe('delegation narrowing (property)', () => {
  it("never yields a scope wider than the delegator's, nor a chain past the limit, at any depth", () => {
    let deepest = 0
    fc.assert(
      fc.property(
        fc.array(capability, { maxLength: 6 }),
        fc.array(step, { minLength: 1, maxLength: MAX_DELEGATION_DEPTH + 2 }),
        (rootCapabilities, steps) => {
          let parent: Delegation | undefined
          let now = start
          for (const [i, s] of steps.entries()) {
            now += s.after * 1000
            const held = parent ? parent.scope : rootCapabilities
            const scope = s.scope.map((r) =>
              r.fromHeld && held.length > 0 ? held[r.index % held.length]! : r.cap,
            )
            const command = {
              type: 'CreateDelegation' as const,
              delegationId: delegationAt(i),
              orgId,
              fromAgentId: agentAt(i),
              toAgentId: agentAt(i + 1),
              from: {
                agentId: agentAt(i),
                orgId,
                status: 'active' as const,
                capabilities: rootCapabilities,
              },
              to: { agentId: agentAt(i + 1), orgId, status: 'active' as const, capabilities: [] },
              scope,
              ttlSeconds: s.ttlSeconds,
              ...(parent ? { parent: { delegationId: parent.delegationId, state: parent } } : {}),
              now: new Date(now),
            }
            let state: DelegationState
            try {
              const events = delegationDecider.decide(command, { status: 'none' })
              state = events.reduce(evolve, delegationDecider.initialState())
            } catch (err) {
              if (err instanceof ScopeNotDelegable) {
                // refused only when it really is wider: narrowing must not refuse a narrower scope
                expect(within(scope, held)).toBe(false)
              } else if (err instanceof DelegationDepthExceeded) {
                expect(i + 1).toBeGreaterThan(MAX_DELEGATION_DEPTH)
              } else if (err instanceof DelegationExpired) {
                expect(Date.parse(parent!.expiresAt)).toBeLessThanOrEqual(now)
              } else throw err
              return
            }
            if (state.status === 'none') throw new Error('a created delegation folds to none')
            // never wider than what the delegator held, nor than the chain's first delegator
            expect(within(state.scope, held)).toBe(true)
            expect(within(state.scope, rootCapabilities)).toBe(true)
            expect(state.depth).toBe(i + 1)
            expect(state.depth).toBeLessThanOrEqual(MAX_DELEGATION_DEPTH)
            if (parent) expect(state.expiresAt <= parent.expiresAt).toBe(true)
            deepest = Math.max(deepest, state.depth)
            parent = state
          }
        },
      ),
      { numRuns: 500 },
    )
    // the property saw chains at the limit, not only refusals
    expect(deepest).toBe(MAX_DELEGATION_DEPTH)
  })
})
