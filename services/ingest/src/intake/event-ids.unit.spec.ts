import { validate, version } from 'uuid'
import { describe, expect, it } from 'vitest'
import { newEventId } from './event-ids.ts'

describe('newEventId', () => {
  it('makes valid, distinct UUIDv7s in increasing order, across pool refills', () => {
    const ids = Array.from({ length: 5000 }, () => newEventId())
    for (const id of ids) {
      expect(validate(id)).toBe(true)
      expect(version(id)).toBe(7)
    }
    expect(new Set(ids).size).toBe(ids.length)
    expect([...ids].sort()).toEqual(ids)
  })

  it('carries the current millisecond', () => {
    const before = Date.now()
    const id = newEventId()
    const ms = parseInt(id.replace(/-/g, '').slice(0, 12), 16)
    expect(ms).toBeGreaterThanOrEqual(before)
    expect(ms).toBeLessThanOrEqual(Date.now() + 1)
  })
})
