import type { Decider } from '@tessera/contracts'
import {
  type RedactionEvent,
  type RedactionState,
  evolve,
  initialState,
  parseRedactionEvent,
} from './redaction.state.ts'

export type RedactionCommand =
  /** Sent once guardian reports a new org: give it an empty policy, so nothing is redacted yet. */
  | { type: 'ProvisionOrg'; orgId: string }
  /** An org replaces its policy: param keys to drop or hash before telemetry is stored. */
  | { type: 'SetPolicy'; orgId: string; dropKeys: string[]; hashKeys: string[] }

export function decide(command: RedactionCommand, state: RedactionState): RedactionEvent[] {
  switch (command.type) {
    case 'ProvisionOrg':
      return provisionOrg(command, state)
    case 'SetPolicy':
      return setPolicy(command, state)
    default: {
      const _exhaustive: never = command
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

function setPolicy(
  c: Extract<RedactionCommand, { type: 'SetPolicy' }>,
  state: RedactionState,
): RedactionEvent[] {
  const dropKeys = [...new Set(c.dropKeys)].sort()
  const hashKeys = [...new Set(c.hashKeys)].filter((k) => !dropKeys.includes(k)).sort()
  // Setting the policy it already has records nothing.
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((k, i) => k === b[i])
  if (state.provisioned && same(dropKeys, state.dropKeys) && same(hashKeys, state.hashKeys))
    return []
  return [{ type: 'RedactionPolicySet', data: { orgId: c.orgId, dropKeys, hashKeys } }]
}

export const redactionDecider: Decider<RedactionCommand, RedactionEvent, RedactionState> = {
  decide,
  evolve,
  initialState,
  parse: parseRedactionEvent,
}
export const redactionStreamId = (orgId: string) => `redaction-${orgId}`
