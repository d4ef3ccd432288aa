import { describe, expect, it } from 'vitest'
import { EventBuffer } from './event.buffer.ts'

describe('EventBuffer', () => {
  it('is first in, first out, across the wrap-around', () => {
    const buffer = new EventBuffer<number>(3)
    buffer.push(1)
    buffer.push(2)
    expect(buffer.take(1)).toEqual([1])
    buffer.push(3)
    buffer.push(4)
    expect(buffer.size).toBe(3)
    expect(buffer.take(10)).toEqual([2, 3, 4])
    expect(buffer.size).toBe(0)
    expect(buffer.take(1)).toEqual([])
  })

  it('evicts the oldest item when full and says so', () => {
    const buffer = new EventBuffer<number>(2)
    expect(buffer.push(1)).toBe(false)
    expect(buffer.push(2)).toBe(false)
    expect(buffer.push(3)).toBe(true)
    expect(buffer.push(4)).toBe(true)
    expect(buffer.take(2)).toEqual([3, 4])
  })

  it('counts what entered and what left, evictions included', () => {
    const buffer = new EventBuffer<string>(2)
    for (const item of ['a', 'b', 'c']) buffer.push(item)
    buffer.take(1)
    expect(buffer.pushedTotal).toBe(3)
    expect(buffer.removedTotal).toBe(2)
  })

  it('refuses a capacity below one', () => {
    expect(() => new EventBuffer(0)).toThrow(RangeError)
  })
})
