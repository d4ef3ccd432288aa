import { type Decider, MAX_DELEGATION_TTL_SECONDS } from '@tessera/contracts'
import { type TokenHolder, covers } from '../token/token.decider.ts'
import {
  type Delegation,
  type DelegationEvent,
  type DelegationState,
  evolve,
  initialState,
  parseDelegationEvent,
} from './delegation.state.ts'

/** The longest chain: a root delegation (depth 1) and two re-delegations below it. */
export const MAX_DELEGATION_DEPTH = 3
/** The longest a delegation may live: one day, like a capability token. */
export { MAX_DELEGATION_TTL_SECONDS }

export type DelegationCommand =
  | {
      type: 'CreateDelegation'
      /** Minted by the shell. */
      delegationId: string
      orgId: string
      fromAgentId: string
      toAgentId: string
      /** The delegator and the delegate as the shell read them; null when the org has none. */
      from: TokenHolder | null
      to: TokenHolder | null
      scope: string[]
      ttlSeconds: number
      /** Absent for a root delegation: the delegation asked for and its folded state. */
      parent?: { delegationId: string; state: DelegationState } | undefined
      now: Date
    }
  | {
      type: 'RevokeDelegation'
      delegationId: string
      orgId: string
      reason: 'revoked' | 'agent_revoked'
      note?: string | undefined
      /**
       * The delegations the shell found below this one. Only those that derive from it by
       * parent links, and are not revoked yet, are revoked with it.
       */
      descendants: readonly Delegation[]
      now: Date
    }

/** Also what another org's delegation looks like. */
export class DelegationNotFound extends Error {
  readonly code = 'NOT_FOUND'
  constructor(readonly delegationId: string) {
    super(`delegation ${delegationId} not found`)
  }
}
/** Also what another org's agent looks like: its existence is not for the caller to learn. */
export class DelegationAgentNotFound extends Error {
  readonly code = 'NOT_FOUND'
  constructor(readonly agentId: string) {
    super(`agent ${agentId} not found`)
  }
}
export class DelegationAgentRevoked extends Error {
  readonly code = 'AGENT_REVOKED'
  constructor(readonly agentId: string) {
    super(`agent ${agentId} is revoked`)
  }
}
/** A request the rules refuse as such; `field` names what is wrong. */
export class InvalidDelegation extends Error {
  readonly code = 'VALIDATION_ERROR'
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message)
  }
}
export class ScopeNotDelegable extends Error {
  readonly code = 'SCOPE_NOT_GRANTED'
  constructor(readonly scopes: string[]) {
    super(`the delegator does not hold: ${scopes.join(', ')}`)
  }
}
export class DelegationDepthExceeded extends Error {
  readonly code = 'DELEGATION_DEPTH_EXCEEDED'
  constructor(readonly depth: number) {
    super(`a delegation chain is at most ${MAX_DELEGATION_DEPTH} deep; this one would be ${depth}`)
  }
}
export class DelegationAlreadyRevoked extends Error {
  readonly code = 'DELEGATION_REVOKED'
  constructor(readonly delegationId: string) {
    super(`delegation ${delegationId} is revoked`)
  }
}
export class DelegationExpired extends Error {
  readonly code = 'DELEGATION_EXPIRED'
  constructor(readonly delegationId: string) {
    super(`delegation ${delegationId} has expired`)
  }
}
export class DelegationExists extends Error {
  readonly code = 'DELEGATION_EXISTS'
}

export function decide(command: DelegationCommand, state: DelegationState): DelegationEvent[] {
  switch (command.type) {
    case 'CreateDelegation':
      return create(command, state)
    case 'RevokeDelegation':
      return revoke(command, state)
    default: {
      const _exhaustive: never = command
      return _exhaustive
    }
  }
}

type Create = Extract<DelegationCommand, { type: 'CreateDelegation' }>
type Revoke = Extract<DelegationCommand, { type: 'RevokeDelegation' }>

function create(c: Create, state: DelegationState): DelegationEvent[] {
  if (state.status !== 'none') throw new DelegationExists(`delegation ${c.delegationId} exists`)
  if (
    !Number.isInteger(c.ttlSeconds) ||
    c.ttlSeconds < 1 ||
    c.ttlSeconds > MAX_DELEGATION_TTL_SECONDS
  ) {
    throw new InvalidDelegation(
      `ttlSeconds must be an integer from 1 to ${MAX_DELEGATION_TTL_SECONDS}`,
      'ttlSeconds',
    )
  }
  const from = liveAgent(c.fromAgentId, c.from, c.orgId)
  const to = liveAgent(c.toAgentId, c.to, c.orgId)
  if (from.agentId === to.agentId) {
    throw new InvalidDelegation('an agent cannot delegate to itself', 'toAgentId')
  }
  const scope = [...new Set(c.scope)]
  if (scope.length === 0) throw new InvalidDelegation('scope must name a capability', 'scope')

  const parent = c.parent && liveParent(c.parent, c, from.agentId)
  const depth = parent ? parent.depth + 1 : 1
  if (depth > MAX_DELEGATION_DEPTH) throw new DelegationDepthExceeded(depth)
  // Narrowing: a delegator hands on only what it holds, by its own capabilities or its parent.
  const held = parent ? parent.scope : from.capabilities
  const missing = scope.filter((s) => !covers(held, s))
  if (missing.length) throw new ScopeNotDelegable(missing)

  const asked = c.now.getTime() + c.ttlSeconds * 1000
  const expiresAt = parent ? Math.min(asked, Date.parse(parent.expiresAt)) : asked
  return [
    {
      type: 'DelegationCreated',
      data: {
        delegationId: c.delegationId,
        orgId: c.orgId,
        fromAgentId: from.agentId,
        toAgentId: to.agentId,
        scope,
        ...(parent ? { parentDelegationId: parent.delegationId } : {}),
        rootDelegationId: parent ? parent.rootDelegationId : c.delegationId,
        depth,
        createdAt: c.now.toISOString(),
        expiresAt: new Date(expiresAt).toISOString(),
      },
    },
  ]
}

function liveAgent(agentId: string, agent: TokenHolder | null, orgId: string): TokenHolder {
  if (!agent || agent.agentId !== agentId || agent.orgId !== orgId) {
    throw new DelegationAgentNotFound(agentId)
  }
  if (agent.status !== 'active') throw new DelegationAgentRevoked(agent.agentId)
  return agent
}

/** The parent a delegator re-delegates from: the org's, live, and delegated to the delegator. */
function liveParent(
  parent: NonNullable<Create['parent']>,
  c: Create,
  fromAgentId: string,
): Delegation {
  const p = liveDelegation(parent.state, parent.delegationId, c.orgId, c.now)
  if (p.toAgentId !== fromAgentId) {
    throw new InvalidDelegation(
      `delegation ${p.delegationId} was not delegated to ${fromAgentId}`,
      'parentDelegationId',
    )
  }
  return p
}

/** The org's delegation by that id, neither revoked nor expired at `now`. */
export function liveDelegation(
  state: DelegationState | null,
  delegationId: string,
  orgId: string,
  now: Date,
): Delegation {
  const d = state?.status === 'none' ? null : state
  if (!d || d.delegationId !== delegationId || d.orgId !== orgId) {
    throw new DelegationNotFound(delegationId)
  }
  if (d.status === 'revoked') throw new DelegationAlreadyRevoked(delegationId)
  if (Date.parse(d.expiresAt) <= now.getTime()) throw new DelegationExpired(delegationId)
  return d
}

function revoke(c: Revoke, state: DelegationState): DelegationEvent[] {
  if (state.status === 'none' || state.orgId !== c.orgId) {
    throw new DelegationNotFound(c.delegationId)
  }
  if (state.status === 'revoked') throw new DelegationAlreadyRevoked(c.delegationId)
  const revokedAt = c.now.toISOString()
  const cascade = derivedFrom(state.delegationId, c.descendants)
    .filter((d) => d.status === 'active' && d.orgId === c.orgId)
    .map((d): DelegationEvent => ({
      type: 'DelegationRevoked',
      data: {
        delegationId: d.delegationId,
        orgId: c.orgId,
        reason: 'parent_revoked',
        revokedAt,
        cascadedFrom: state.delegationId,
      },
    }))
  return [
    {
      type: 'DelegationRevoked',
      data: {
        delegationId: state.delegationId,
        orgId: c.orgId,
        reason: c.reason,
        ...(c.note ? { note: c.note } : {}),
        revokedAt,
      },
    },
    ...cascade,
  ]
}

/** The delegations below `rootId` by parent links, shallowest first. */
export function derivedFrom(rootId: string, candidates: readonly Delegation[]): Delegation[] {
  const below = new Set([rootId])
  const found: Delegation[] = []
  const byDepth = [...candidates].sort(
    (a, b) => a.depth - b.depth || a.delegationId.localeCompare(b.delegationId),
  )
  for (const d of byDepth) {
    if (d.parentDelegationId && below.has(d.parentDelegationId) && !below.has(d.delegationId)) {
      below.add(d.delegationId)
      found.push(d)
    }
  }
  return found
}

export const delegationDecider: Decider<DelegationCommand, DelegationEvent, DelegationState> = {
  decide,
  evolve,
  initialState,
  parse: parseDelegationEvent,
}
export const delegationStreamId = (delegationId: string) => `delegation-${delegationId}`
