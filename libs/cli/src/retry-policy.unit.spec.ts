import { describe, expect, it } from 'vitest'
import {
  isRetryableStatus,
  MAX_RETRY_DELAY_MS,
  parseRetryAfter,
  retryDelayMs,
} from './retry-policy.ts'

const NOW = Date.parse('2025-01-01T00:00:00Z')

describe('retry policy', () => {
  it.each([
    [429, true],
    [500, true],
    [503, true],
    [400, false],
    [413, false],
    [415, false],
  ])('HTTP %i is retried: %s', (status, retried) => {
    expect(isRetryableStatus(status)).toBe(retried)
  })

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('3', NOW)).toBe(3000)
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:05 GMT', NOW)).toBe(5000)
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', NOW)).toBe(0)
    expect(parseRetryAfter('soon', NOW)).toBeNull()
    expect(parseRetryAfter(null, NOW)).toBeNull()
  })

  it('doubles the wait without Retry-After, and caps what the server asks for', () => {
    expect([1, 2, 3].map((a) => retryDelayMs(a, null, NOW))).toEqual([500, 1000, 2000])
    expect(retryDelayMs(1, '1', NOW)).toBe(1000)
    expect(retryDelayMs(1, '3600', NOW)).toBe(MAX_RETRY_DELAY_MS)
  })
})
