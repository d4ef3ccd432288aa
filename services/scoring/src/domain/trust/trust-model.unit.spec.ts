import { describe, expect, it } from 'vitest'
import { MODEL_VERSION, NEUTRAL, scoreNewOrg } from './trust-model.ts'

describe('trust model', () => {
  it('starts a new org at the neutral score and says why', () => {
    const s = scoreNewOrg({ createdAt: '2026-11-21T00:00:00Z' })
    expect(s.score).toBe(NEUTRAL)
    expect(s.reasons.map((r) => r.code)).toEqual(['NO_HISTORY'])
    expect(MODEL_VERSION).toMatch(/^v\d+/)
  })
})
