import { describe, expect, it } from 'vitest'
import {
  MAX_RETRY_AFTER_MS,
  backoffDelay,
  parseRetryAfter,
  retryDelay,
  sleep,
} from './retry.policy.ts'

const policy = { baseMs: 200, capMs: 10_000 }
const almostOne = () => 0.999_999

describe('backoffDelay', () => {
  it('doubles its ceiling per retry, up to the cap, with full jitter below it', () => {
    expect([1, 2, 3, 4].map((r) => backoffDelay(r, policy, almostOne))).toEqual([
      199, 399, 799, 1599,
    ])
    expect(backoffDelay(20, policy, almostOne)).toBe(9_999)
    expect(backoffDelay(3, policy, () => 0)).toBe(0)
  })
})

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z')

  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('2', now)).toBe(2_000)
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:03 GMT', now)).toBe(3_000)
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0)
  })

  it('ignores what it cannot read, and caps what it can', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined()
    expect(parseRetryAfter('', now)).toBeUndefined()
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter('-1', now)).toBeUndefined()
    expect(parseRetryAfter('86400', now)).toBe(MAX_RETRY_AFTER_MS)
  })
})

describe('retryDelay', () => {
  it('never goes below Retry-After', () => {
    expect(retryDelay(1, policy, 1_000, almostOne)).toBe(1_000)
    expect(retryDelay(6, policy, 1_000, almostOne)).toBe(6_399)
    expect(retryDelay(1, policy, undefined, () => 0.5)).toBe(100)
  })
})

describe('sleep', () => {
  it('ends early when its signal aborts', async () => {
    const stop = new AbortController()
    const started = performance.now()
    const slept = sleep(60_000, stop.signal)
    stop.abort()
    await slept
    expect(performance.now() - started).toBeLessThan(60_000)
  })
})
