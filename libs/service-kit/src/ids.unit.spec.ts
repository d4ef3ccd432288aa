import { describe, expect, it } from 'vitest'
import { CheckId, OrgId } from '@tessera/contracts'
import { newId, newSecret, newTimeOrderedId } from './ids.ts'

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
  it('makes time-ordered ids that sort by their time, then stay distinct within a millisecond', () => {
    const times = [0, 1, 31, 32, 1_795_310_845_956, 1_795_310_845_957, 2 ** 48 - 1]
    const ids = times.map((t) => newTimeOrderedId('chk', t))
    for (const id of ids) expect(CheckId.safeParse(id).success).toBe(true)
    expect([...ids].sort()).toEqual(ids)
    const same = Array.from({ length: 2000 }, () => newTimeOrderedId('chk', 1_795_310_845_956))
    expect(new Set(same).size).toBe(same.length)
    expect(same.every((id) => id.slice(0, 14) === ids[4]!.slice(0, 14))).toBe(true)
  })
})
