import { describe, expect, it } from 'vitest'
import { OrgId } from '@tessera/contracts'
import { newId, newSecret } from './ids.ts'

describe('ids', () => {
  it('makes org ids the contracts accept, all distinct', () => {
    const ids = Array.from({ length: 2000 }, () => newId('org'))
    for (const id of ids) expect(OrgId.safeParse(id).success).toBe(true)
    expect(new Set(ids).size).toBe(ids.length)
  })
  it('makes API keys of 256 bits with the live prefix', () => {
    const key = newSecret('tsk_live_')
    expect(key).toMatch(/^tsk_live_[A-Za-z0-9_-]{43}$/)
  })
})
