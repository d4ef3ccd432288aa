import type { CheckOutcome } from './check.ts'

/** How a check needing elevation ends: a pending approval, or an approved one it used. */
export interface Elevation {
  approvalId: string
  granted: boolean
}

/**
 * The last step of a check that needed elevation: an approved elevation that was used turns it
 * into an allow, naming the approval and the rule that asked for it. A pending approval leaves
 * the outcome as it was, and no approval ever turns any other outcome (a deny) into an allow.
 */
export function applyElevation(outcome: CheckOutcome, elevation: Elevation): CheckOutcome {
  if (outcome.decision !== 'elevation_required' || !elevation.granted) return outcome
  return {
    ...outcome,
    decision: 'allow',
    rule: 'elevation.approved',
    reason: `approved elevation ${elevation.approvalId} (required by ${outcome.rule}) was used; it lets one call through`,
  }
}
