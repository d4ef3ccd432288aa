import { type Decider, MAX_TOKEN_TTL_SECONDS } from '@tessera/contracts'
import {
  type TokenEvent,
  type TokenState,
  evolve,
  initialState,
  parseTokenEvent,
} from './token.state.ts'

/** The longest a capability token may live: one day (the contract's limit). Short-lived is the point of them. */
export { MAX_TOKEN_TTL_SECONDS }

/** What the decider needs to know about the agent a token is for (the shell reads it). */
export interface TokenHolder {
  agentId: string
  orgId: string
  status: 'active' | 'revoked'
  capabilities: readonly string[]
}

export type TokenCommand =
  | {
      type: 'IssueToken'
      /** Minted by the shell, with the secret whose hash this is. */
      tokenId: string
      tokenHash: string
      agent: TokenHolder | null
      orgId: string
      scopes: string[]
      audience: string[]
      ttlSeconds: number
      now: Date
    }
  | { type: 'RevokeToken'; tokenId: string; orgId: string; now: Date }

export class TokenAgentNotFound extends Error {
  readonly code = 'NOT_FOUND'
}
export class TokenNotFound extends Error {
  readonly code = 'NOT_FOUND'
}
export class AgentNotActive extends Error {
  readonly code = 'AGENT_REVOKED'
}
export class ScopeNotGranted extends Error {
  readonly code = 'SCOPE_NOT_GRANTED'
  constructor(readonly scopes: string[]) {
    super(`the agent's capabilities do not cover: ${scopes.join(', ')}`)
  }
}
export class InvalidTtl extends Error {
  readonly code = 'VALIDATION_ERROR'
}
export class TokenAlreadyRevoked extends Error {
  readonly code = 'TOKEN_REVOKED'
}

/** A scope is covered by a capability equal to it, or by `ns:*` for any `ns:…`. */
export function covers(capabilities: readonly string[], scope: string): boolean {
  const ns = scope.slice(0, scope.indexOf(':') + 1)
  return capabilities.some((c) => c === scope || c === `${ns}*`)
}

export function decide(command: TokenCommand, state: TokenState): TokenEvent[] {
  switch (command.type) {
    case 'IssueToken':
      return issue(command)
    case 'RevokeToken':
      return revoke(command, state)
    default: {
      const _exhaustive: never = command
      return _exhaustive
    }
  }
}

function issue(c: Extract<TokenCommand, { type: 'IssueToken' }>): TokenEvent[] {
  const agent = c.agent
  if (!agent || agent.orgId !== c.orgId) throw new TokenAgentNotFound('agent not found')
  if (agent.status !== 'active') throw new AgentNotActive(`agent ${agent.agentId} is revoked`)
  if (!Number.isInteger(c.ttlSeconds) || c.ttlSeconds < 1 || c.ttlSeconds > MAX_TOKEN_TTL_SECONDS) {
    throw new InvalidTtl(`ttlSeconds must be an integer from 1 to ${MAX_TOKEN_TTL_SECONDS}`)
  }
  const scopes = [...new Set(c.scopes)]
  const missing = scopes.filter((s) => !covers(agent.capabilities, s))
  if (missing.length) throw new ScopeNotGranted(missing)
  return [
    {
      type: 'CapabilityTokenIssued',
      data: {
        tokenId: c.tokenId,
        agentId: agent.agentId,
        orgId: c.orgId,
        tokenHash: c.tokenHash,
        scopes,
        audience: [...new Set(c.audience)],
        issuedAt: c.now.toISOString(),
        expiresAt: new Date(c.now.getTime() + c.ttlSeconds * 1000).toISOString(),
      },
    },
  ]
}

function revoke(
  c: Extract<TokenCommand, { type: 'RevokeToken' }>,
  state: TokenState,
): TokenEvent[] {
  if (state.status === 'none' || state.orgId !== c.orgId) throw new TokenNotFound('token not found')
  if (state.status === 'revoked') throw new TokenAlreadyRevoked(`token ${c.tokenId} is revoked`)
  return [
    {
      type: 'CapabilityTokenRevoked',
      data: {
        tokenId: c.tokenId,
        agentId: state.agentId,
        orgId: c.orgId,
        revokedAt: c.now.toISOString(),
      },
    },
  ]
}

export const tokenDecider: Decider<TokenCommand, TokenEvent, TokenState> = {
  decide,
  evolve,
  initialState,
  parse: parseTokenEvent,
}
export const tokenStreamId = (tokenId: string) => `token-${tokenId}`
