import type { Decider } from '@tessera/contracts'
import {
  type JuryPolicyEvent,
  type JuryPolicyState,
  evolve,
  initialState,
  parseJuryPolicyEvent,
} from './jury-policy.state.ts'

/**
 * Five judges, dropping the highest and the lowest vote (`floor(5 * 0.2)` per side, the rule
 * the aggregation applies to the votes it counts): the reference's jury, the median of the
 * middle three, which a single outlier cannot swing.
 */
export const DEFAULT_JURY_POLICY = { judges: 5, trimmedPerSide: 1 } as const

/** Sent once guardian reports a new org: give it the default jury policy. */
export type JuryPolicyCommand = { type: 'ProvisionOrg'; orgId: string }

export function decide(command: JuryPolicyCommand, state: JuryPolicyState): JuryPolicyEvent[] {
  switch (command.type) {
    case 'ProvisionOrg':
      return provisionOrg(command, state)
    default: {
      // `.type`, not the command: TS only narrows a union to never, and this one has one member.
      const _exhaustive: never = command.type
      return _exhaustive
    }
  }
}

function provisionOrg(
  c: Extract<JuryPolicyCommand, { type: 'ProvisionOrg' }>,
  state: JuryPolicyState,
): JuryPolicyEvent[] {
  // A redelivered OrgCreated must not reset a policy the org has since changed.
  if (state.provisioned) return []
  return [{ type: 'JuryPolicySet', data: { orgId: c.orgId, ...DEFAULT_JURY_POLICY } }]
}

export const juryPolicyDecider: Decider<JuryPolicyCommand, JuryPolicyEvent, JuryPolicyState> = {
  decide,
  evolve,
  initialState,
  parse: parseJuryPolicyEvent,
}
export const juryPolicyStreamId = (orgId: string) => `jury-policy-${orgId}`
