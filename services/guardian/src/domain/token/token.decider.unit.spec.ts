import { describe, expect, it } from 'vitest'
import { spec } from '@tessera/testing'
import {
  AgentNotActive,
  InvalidTtl,
  MAX_TOKEN_TTL_SECONDS,
  ScopeNotGranted,
  TokenAgentNotFound,
  TokenAlreadyRevoked,
  TokenNotFound,
  type TokenCommand,
  covers,
  tokenDecider,
} from './token.decider.ts'
import type { TokenEvent } from './token.state.ts'

const orgId = 'org_0123456789abcdefghjkmnpqrs'
const agentId = 'agt_0123456789abcdefghjkmnpqrs'
const tokenId = 'tok_0123456789abcdefghjkmnpqrs'
const now = new Date('2026-11-21T10:00:00.000Z')
const agent = { agentId, orgId, status: 'active' as const, capabilities: ['files:read', 'web:*'] }
const issue = (
  over: Partial<Extract<TokenCommand, { type: 'IssueToken' }>> = {},
): TokenCommand => ({
  type: 'IssueToken',
  tokenId,
  tokenHash: 'a'.repeat(64),
  agent,
  orgId,
  scopes: ['files:read', 'web:search', 'files:read'],
  audience: ['mcp://filesystem'],
  ttlSeconds: 300,
  now,
  ...over,
})
const issued: TokenEvent = {
  type: 'CapabilityTokenIssued',
  data: {
    tokenId,
    agentId,
    orgId,
    tokenHash: 'a'.repeat(64),
    scopes: ['files:read', 'web:search'],
    audience: ['mcp://filesystem'],
    issuedAt: now.toISOString(),
    expiresAt: '2026-11-21T10:05:00.000Z',
  },
}

describe('token decider', () => {
  it('issues a token within the agent capabilities, expiring after its TTL', () => {
    spec(tokenDecider).given([]).when(issue()).then([issued])
  })
  it('refuses scopes beyond the capabilities, naming them', () => {
    spec(tokenDecider)
      .given([])
      .when(issue({ scopes: ['files:write', 'files:read'] }))
      .thenThrows(ScopeNotGranted)
  })
  it("refuses another org's agent as if it did not exist, and a revoked agent", () => {
    spec(tokenDecider)
      .given([])
      .when(issue({ orgId: 'org_zzzzzzzzzzzzzzzzzzzzzzzzzz' }))
      .thenThrows(TokenAgentNotFound)
    spec(tokenDecider)
      .given([])
      .when(issue({ agent: null }))
      .thenThrows(TokenAgentNotFound)
    spec(tokenDecider)
      .given([])
      .when(issue({ agent: { ...agent, status: 'revoked' } }))
      .thenThrows(AgentNotActive)
  })
  it(`caps the TTL at ${MAX_TOKEN_TTL_SECONDS} s`, () => {
    spec(tokenDecider)
      .given([])
      .when(issue({ ttlSeconds: MAX_TOKEN_TTL_SECONDS + 1 }))
      .thenThrows(InvalidTtl)
    spec(tokenDecider)
      .given([])
      .when(issue({ ttlSeconds: 0 }))
      .thenThrows(InvalidTtl)
    expect(() =>
      tokenDecider.decide(
        issue({ ttlSeconds: MAX_TOKEN_TTL_SECONDS }),
        tokenDecider.initialState(),
      ),
    ).not.toThrow()
  })
  it('revokes once; again is an error; unknown or foreign tokens are not found', () => {
    const revoke: TokenCommand = { type: 'RevokeToken', tokenId, orgId, now }
    spec(tokenDecider)
      .given([issued])
      .when(revoke)
      .then([
        {
          type: 'CapabilityTokenRevoked',
          data: { tokenId, agentId, orgId, revokedAt: now.toISOString() },
        },
      ])
    const revoked: TokenEvent = {
      type: 'CapabilityTokenRevoked',
      data: { tokenId, agentId, orgId, revokedAt: now.toISOString() },
    }
    spec(tokenDecider).given([issued, revoked]).when(revoke).thenThrows(TokenAlreadyRevoked)
    spec(tokenDecider).given([]).when(revoke).thenThrows(TokenNotFound)
    spec(tokenDecider)
      .given([issued])
      .when({ ...revoke, orgId: 'org_zzzzzzzzzzzzzzzzzzzzzzzzzz' })
      .thenThrows(TokenNotFound)
  })
  it('lets `ns:*` cover every action of its namespace and nothing else', () => {
    expect(covers(['web:*'], 'web:search')).toBe(true)
    expect(covers(['web:*'], 'webx:search')).toBe(false)
    expect(covers(['files:read'], 'files:write')).toBe(false)
  })
})
