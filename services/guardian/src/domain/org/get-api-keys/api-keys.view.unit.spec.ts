import { describe, expect, it } from 'vitest'
import type { OrgEvent } from '../org.state.ts'
import { apiKeysView, newestFirst } from './api-keys.view.ts'

const orgId = 'org_0123456789abcdefghjkmnpqrs'
const keyId = (n: number) => `key_${String(n).padStart(26, '0')}`
const issued = (n: number, name?: string): OrgEvent => ({
  type: 'ApiKeyIssued',
  data: {
    keyId: keyId(n),
    orgId,
    prefix: `tsk_live_ab${n}`,
    keyHash: String(n).repeat(64),
    role: n === 1 ? 'admin' : 'member',
    ...(name ? { name } : {}),
    issuedAt: `2026-11-21T10:00:0${n}.000Z`,
  },
})
const fold = (events: OrgEvent[]) => events.reduce(apiKeysView.evolve, apiKeysView.initialState())

describe('the api keys view', () => {
  it('lists keys newest first, with no hash, and nulls for what a key lacks', () => {
    const keys = newestFirst(fold([issued(1), issued(2, 'ci')]))
    expect(keys).toEqual([
      {
        keyId: keyId(2),
        prefix: 'tsk_live_ab2',
        role: 'member',
        name: 'ci',
        userId: null,
        status: 'active',
        createdAt: '2026-11-21T10:00:02.000Z',
        revokedAt: null,
      },
      expect.objectContaining({ keyId: keyId(1), role: 'admin', name: null }),
    ])
    expect(JSON.stringify(keys)).not.toContain('1'.repeat(64))
  })

  it('marks a revoked key with when, and ignores a revocation of a key it never saw', () => {
    const revokedAt = '2026-11-21T11:00:00.000Z'
    const keys = newestFirst(
      fold([
        issued(1),
        issued(2),
        { type: 'ApiKeyRevoked', data: { keyId: keyId(2), orgId, revokedAt } },
        { type: 'ApiKeyRevoked', data: { keyId: keyId(7), orgId, revokedAt } },
      ]),
    )
    expect(keys.map((k) => [k.keyId, k.status, k.revokedAt])).toEqual([
      [keyId(2), 'revoked', revokedAt],
      [keyId(1), 'active', null],
    ])
  })
})
