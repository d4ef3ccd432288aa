import {
  type RedactionEvent,
  type RedactionState,
  evolve,
  initialState,
} from './redaction.state.ts'

/** Sent once guardian reports a new org: give it an empty policy, so nothing is redacted yet. */
export type RedactionCommand = { type: 'ProvisionOrg'; orgId: string }

export function decide(command: RedactionCommand, state: RedactionState): RedactionEvent[] {
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
  c: Extract<RedactionCommand, { type: 'ProvisionOrg' }>,
  state: RedactionState,
): RedactionEvent[] {
  // A redelivered OrgCreated must not reset a policy the org has since changed.
  if (state.provisioned) return []
  return [{ type: 'RedactionPolicySet', data: { orgId: c.orgId, dropKeys: [], hashKeys: [] } }]
}

export const redactionDecider = { decide, evolve, initialState }
export const redactionStreamId = (orgId: string) => `redaction-${orgId}`
