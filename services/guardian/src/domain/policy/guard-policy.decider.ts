import { type Decider, type GuardPolicy, GuardPolicySet, eventParser } from '@tessera/contracts'
import { InvalidConditionError } from '@tessera/conditions'
import { compileOrgPolicy } from './org-policy.ts'

export type GuardPolicyEvent = { type: 'GuardPolicySet'; data: GuardPolicySet }
export type GuardPolicyState = { version: number }
export type GuardPolicyCommand = {
  type: 'SetGuardPolicy'
  orgId: string
  policy: GuardPolicy
  now: Date
}

export class InvalidRule extends Error {
  readonly code = 'VALIDATION_ERROR'
  constructor(
    readonly rule: string,
    readonly path: string,
    message: string,
  ) {
    super(`rule ${rule}: ${message}`)
  }
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

/** Every rule must compile (regexes, depth) before it is accepted: checks never see a bad one. */
function set(c: GuardPolicyCommand, state: GuardPolicyState): GuardPolicyEvent[] {
  for (const rule of c.policy.rules) {
    try {
      compileOrgPolicy({ timezone: c.policy.timezone, rules: [rule] })
    } catch (err) {
      if (err instanceof InvalidConditionError)
        throw new InvalidRule(rule.name, err.path, err.message)
      throw err
    }
  }
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
