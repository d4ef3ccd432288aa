import { describe, expect, it } from 'vitest'
import { spec } from '@tessera/testing'
import {
  AgentAlreadyRegistered,
  AgentAlreadyRevoked,
  AgentNotFound,
  InvalidPublicKey,
  agentDecider,
  type AgentCommand,
} from './agent.decider.ts'
import { type AgentEvent, parseAgentEvent } from './agent.state.ts'

const now = new Date('2026-11-21T23:00:00.000Z')
const later = new Date('2026-11-22T08:30:00.000Z')
const agentId = 'agt_0123456789abcdefghjkmnpqrs'
const orgId = 'org_0123456789abcdefghjkmnpqrs'
const otherOrg = 'org_zyxwvtsrqpnmkjhgfedcba9876'
// the did:key spec's Ed25519 test vector (w3c-ccg.github.io/did-method-key)
const x = 'O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik'
const did = 'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp'

const register: AgentCommand = {
  type: 'RegisterAgent',
  agentId,
  orgId,
  name: 'Researcher',
  framework: 'langgraph',
  capabilities: ['web:search', 'files:read', 'web:search'],
  handle: '1234abcd',
  now,
}
const registered: AgentEvent = {
  type: 'AgentRegistered',
  data: {
    agentId,
    orgId,
    name: 'Researcher',
    framework: 'langgraph',
    capabilities: ['web:search', 'files:read'],
    handle: '1234abcd',
    registeredAt: now.toISOString(),
  },
}
const revoke: AgentCommand = {
  type: 'RevokeAgent',
  agentId,
  orgId,
  reason: 'leaked key',
  now: later,
}
const revoked: AgentEvent = {
  type: 'AgentRevoked',
  data: { agentId, orgId, reason: 'leaked key', revokedAt: later.toISOString() },
}

describe('agent decider', () => {
  it('registers an agent with its handle, granting each capability once', () => {
    spec(agentDecider).given([]).when(register).then([registered])
  })

  it("registers an agent's Ed25519 key as base64url and as its did:key", () => {
    const withKey = {
      ...register,
      publicKey: Buffer.from(x, 'base64url'),
      metadata: { team: 'r&d' },
    }
    spec(agentDecider)
      .given([])
      .when(withKey)
      .then([
        {
          ...registered,
          data: { ...registered.data, metadata: { team: 'r&d' }, publicKey: x, did },
        },
      ])
  })

  it('refuses a public key that is not 32 bytes', () => {
    spec(agentDecider)
      .given([])
      .when({ ...register, publicKey: new Uint8Array(31) })
      .thenThrows(InvalidPublicKey)
  })

  it('refuses to register the same agent twice', () => {
    spec(agentDecider).given([registered]).when(register).thenThrows(AgentAlreadyRegistered)
  })

  it('revokes an active agent', () => {
    spec(agentDecider).given([registered]).when(revoke).then([revoked])
  })

  it('refuses to revoke an agent twice: revocation is for good', () => {
    spec(agentDecider).given([registered, revoked]).when(revoke).thenThrows(AgentAlreadyRevoked)
  })

  it("treats an unknown agent and another org's agent alike: not found", () => {
    spec(agentDecider).given([]).when(revoke).thenThrows(AgentNotFound)
    spec(agentDecider)
      .given([registered])
      .when({ ...revoke, orgId: otherOrg })
      .thenThrows(AgentNotFound)
  })

  it('reads its events back from the log through their contracts', () => {
    expect(parseAgentEvent(registered)).toEqual(registered)
    expect(parseAgentEvent(revoked)).toEqual(revoked)
    expect(() => parseAgentEvent({ type: 'AgentRevoked', data: { agentId } })).toThrow()
    expect(() => parseAgentEvent({ type: 'OrgCreated', data: {} })).toThrow(/not an agent event/)
  })
})
