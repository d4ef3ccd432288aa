import { afterEach, describe, expect, it, vi } from 'vitest'
import { resolveOptions } from './telemetry.options.ts'

afterEach(() => {
  vi.unstubAllEnvs()
})

describe('resolveOptions', () => {
  it('applies the documented defaults', () => {
    vi.stubEnv('TESSERA_URL', undefined)
    expect(resolveOptions({ apiKey: 'k' })).toMatchObject({
      url: 'http://localhost:8080/v1/telemetry/batch',
      maxBatchSize: 100,
      flushIntervalMs: 1000,
      maxBufferSize: 1000,
      maxRetries: 3,
      baseBackoffMs: 200,
      maxBackoffMs: 10_000,
      requestTimeoutMs: 10_000,
      closeTimeoutMs: 10_000,
    })
  })

  it('takes the base URL from TESSERA_URL, trailing slash or not', () => {
    vi.stubEnv('TESSERA_URL', 'https://tessera.example/')
    expect(resolveOptions({ apiKey: 'k' }).url).toBe('https://tessera.example/v1/telemetry/batch')
    expect(resolveOptions({ apiKey: 'k', baseUrl: 'http://h:1' }).url).toBe(
      'http://h:1/v1/telemetry/batch',
    )
  })

  it('keeps a batch no bigger than the buffer', () => {
    expect(resolveOptions({ apiKey: 'k', maxBufferSize: 5 }).maxBatchSize).toBe(5)
  })

  it('throws on a missing key or a nonsensical number, at construction', () => {
    expect(() => resolveOptions({ apiKey: '' })).toThrow(TypeError)
    expect(() => resolveOptions(undefined as never)).toThrow(TypeError)
    expect(() => resolveOptions({ apiKey: 'k', maxBatchSize: 101 })).toThrow(RangeError)
    expect(() => resolveOptions({ apiKey: 'k', maxRetries: -1 })).toThrow(RangeError)
    expect(() => resolveOptions({ apiKey: 'k', flushIntervalMs: 1.5 })).toThrow(RangeError)
    expect(() => resolveOptions({ apiKey: 'k', baseUrl: 'not a url' })).toThrow(TypeError)
  })
})
