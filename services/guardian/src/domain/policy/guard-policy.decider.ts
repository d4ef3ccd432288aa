import { type Decider, type GuardPolicy, GuardPolicySet, eventParser } from '@tessera/contracts'
import { compileOrgPolicy } from './org-policy.ts'

export { InvalidRule, PolicyTooCostly } from './org-policy.ts'

export type GuardPolicyEvent = { type: 'GuardPolicySet'; data: GuardPolicySet }
export type GuardPolicyState = { version: number }
export type GuardPolicyCommand = {
  type: 'SetGuardPolicy'
  orgId: string
  policy: GuardPolicy
  now: Date
}

export const initialState = (): GuardPolicyState => ({ version: 0 })

export function evolve(state: GuardPolicyState, event: GuardPolicyEvent): GuardPolicyState {
  switch (event.type) {
    case 'GuardPolicySet':
      return { version: event.data.version }
  }
}

export function decide(command: GuardPolicyCommand, state: GuardPolicyState): GuardPolicyEvent[] {
  switch (command.type) {
    case 'SetGuardPolicy':
      return set(command, state)
    default: {
      const _exhaustive: never = command.type
      return _exhaustive
    }
  }
}

/**
 * Every rule must compile (regexes, depth), and the whole policy within its cost budget, before
 * it is accepted: checks never see a bad or costly one. Throws InvalidRule or PolicyTooCostly.
 */
function set(c: GuardPolicyCommand, state: GuardPolicyState): GuardPolicyEvent[] {
  compileOrgPolicy(c.policy)
  const data = {
    ...c.policy,
    orgId: c.orgId,
    version: state.version + 1,
    setAt: c.now.toISOString(),
  }
  return [{ type: 'GuardPolicySet', data }]
}

export const parseGuardPolicyEvent = eventParser('a guard policy', { GuardPolicySet })

export const guardPolicyDecider: Decider<GuardPolicyCommand, GuardPolicyEvent, GuardPolicyState> = {
  decide,
  evolve,
  initialState,
  parse: parseGuardPolicyEvent,
}
export const guardPolicyStreamId = (orgId: string) => `guard-policy-${orgId}`
