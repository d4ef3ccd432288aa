import type { Decider } from '@tessera/contracts'
import { didKeyOf } from '@tessera/crypto'
import {
  type AgentEvent,
  type AgentState,
  evolve,
  initialState,
  parseAgentEvent,
} from './agent.state.ts'
import { ED25519_KEY_BYTES, base64UrlOf } from './agent-key.ts'

export type AgentCommand =
  | {
      type: 'RegisterAgent'
      /** Minted by the shell, like the handle: ids and randomness are impure. */
      agentId: string
      orgId: string
      name: string
      framework: string
      capabilities: string[]
      metadata?: Record<string, unknown>
      /** The agent's raw Ed25519 public key, when it has one. */
      publicKey?: Uint8Array
      /** 8 lowercase hex digits, unique across every org (the shell makes sure). */
      handle: string
      now: Date
    }
  | { type: 'RevokeAgent'; agentId: string; orgId: string; reason: string; now: Date }

export class AgentAlreadyRegistered extends Error {
  readonly code = 'AGENT_EXISTS'
}
/** Also what another org's agent looks like: its existence is not for the caller to learn. */
export class AgentNotFound extends Error {
  readonly code = 'NOT_FOUND'
}
export class AgentAlreadyRevoked extends Error {
  readonly code = 'AGENT_REVOKED'
}
export class InvalidPublicKey extends Error {
  readonly code = 'VALIDATION_ERROR'
}

export function decide(command: AgentCommand, state: AgentState): AgentEvent[] {
  switch (command.type) {
    case 'RegisterAgent':
      return registerAgent(command, state)
    case 'RevokeAgent':
      return revokeAgent(command, state)
    default: {
      const _exhaustive: never = command
      return _exhaustive
    }
  }
}

type Register = Extract<AgentCommand, { type: 'RegisterAgent' }>
type Revoke = Extract<AgentCommand, { type: 'RevokeAgent' }>

function registerAgent(c: Register, state: AgentState): AgentEvent[] {
  if (state.status !== 'unregistered') {
    throw new AgentAlreadyRegistered(`agent ${c.agentId} is already registered`)
  }
  if (c.publicKey && c.publicKey.length !== ED25519_KEY_BYTES) {
    throw new InvalidPublicKey(`an Ed25519 public key has ${ED25519_KEY_BYTES} bytes`)
  }
  const key = c.publicKey ? { publicKey: base64UrlOf(c.publicKey), did: didKeyOf(c.publicKey) } : {}
  return [
    {
      type: 'AgentRegistered',
      data: {
        agentId: c.agentId,
        orgId: c.orgId,
        name: c.name,
        framework: c.framework,
        // a capability granted twice is granted once
        capabilities: [...new Set(c.capabilities)],
        ...(c.metadata ? { metadata: c.metadata } : {}),
        ...key,
        handle: c.handle,
        registeredAt: c.now.toISOString(),
      },
    },
  ]
}

function revokeAgent(c: Revoke, state: AgentState): AgentEvent[] {
  if (state.status === 'unregistered' || state.orgId !== c.orgId) {
    throw new AgentNotFound(`agent ${c.agentId} not found`)
  }
  if (state.status === 'revoked') throw new AgentAlreadyRevoked(`agent ${c.agentId} is revoked`)
  return [
    {
      type: 'AgentRevoked',
      data: {
        agentId: c.agentId,
        orgId: c.orgId,
        reason: c.reason,
        revokedAt: c.now.toISOString(),
      },
    },
  ]
}

export const agentDecider: Decider<AgentCommand, AgentEvent, AgentState> = {
  decide,
  evolve,
  initialState,
  parse: parseAgentEvent,
}
export const agentStreamId = (agentId: string) => `agent-${agentId}`
