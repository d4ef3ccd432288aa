import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import type { CheckOutcome } from './check.ts'
import { applyElevation } from './elevation.ts'

const approvalId = 'apr_0123456789abcdefghjkmnpqrs'

/** What `decideCheck` answers for a destructive call in a supervised session. */
const needsElevation: CheckOutcome = {
  decision: 'elevation_required',
  rule: 'session.supervised',
  reason: 'a destructive action in a supervised session needs approval',
  capability: 'db:delete_rows',
  effect: 'destructive',
  effectSource: 'classified',
  confidence: 0.9,
}

describe('applyElevation', () => {
  it('an approved elevation that was used allows the call, naming the approval and the rule that asked', () => {
    expect(applyElevation(needsElevation, { approvalId, granted: true })).toEqual({
      ...needsElevation,
      decision: 'allow',
      rule: 'elevation.approved',
      reason: `approved elevation ${approvalId} (required by session.supervised) was used; it lets one call through`,
    })
  })

  it('keeps the rule an org policy named, so the reason says which rule was elevated', () => {
    const byPolicy = { ...needsElevation, rule: 'policy:big-transfers' }
    expect(applyElevation(byPolicy, { approvalId, granted: true }).reason).toBe(
      `approved elevation ${approvalId} (required by policy:big-transfers) was used; it lets one call through`,
    )
  })

  it('a pending approval leaves the check as it was: elevation still required', () => {
    expect(applyElevation(needsElevation, { approvalId, granted: false })).toBe(needsElevation)
  })

  it('no approval turns an allow or a deny into anything else', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('allow' as const, 'deny' as const),
        fc.string(),
        fc.boolean(),
        (decision, rule, granted) => {
          const outcome = { ...needsElevation, decision, rule }
          expect(applyElevation(outcome, { approvalId, granted })).toBe(outcome)
        },
      ),
    )
  })
})
