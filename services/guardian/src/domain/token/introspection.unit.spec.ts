import { describe, expect, it } from 'vitest'
import { type TokenRecord, introspect } from './introspection.ts'

const now = new Date('2026-11-21T10:00:00.000Z')
const token: TokenRecord = {
  tokenId: 'tok_x',
  agentId: 'agt_x',
  scopes: ['files:read', 'web:search'],
  audience: ['mcp://filesystem'],
  expiresAt: new Date('2026-11-21T10:05:00.000Z'),
  revokedAt: null,
  agentStatus: 'active',
}

describe('introspection', () => {
  it('is active for a live token, with its agent, scopes and expiry', () => {
    expect(
      introspect(token, { target: 'mcp://filesystem', requiredScopes: ['files:read'] }, now),
    ).toEqual({
      active: true,
      agentId: 'agt_x',
      scopes: ['files:read', 'web:search'],
      expiresAt: '2026-11-21T10:05:00.000Z',
    })
  })
  it.each([
    ['unknown_token', null, {}],
    ['expired', { ...token, expiresAt: now }, {}],
    ['revoked', { ...token, revokedAt: now }, {}],
    ['agent_revoked', { ...token, agentStatus: 'revoked' as const }, {}],
    ['wrong_target', token, { target: 'mcp://github' }],
    ['missing_scope', token, { requiredScopes: ['files:write'] }],
  ])('is inactive: %s', (reason, t, q) => {
    expect(introspect(t, q, now)).toMatchObject({ active: false, reason })
  })
  it('accepts any target when the token names no audience', () => {
    expect(introspect({ ...token, audience: [] }, { target: 'anything' }, now).active).toBe(true)
  })
})
