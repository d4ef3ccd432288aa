import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { DestinationStream } from 'pino'
import { createLogger } from './logger.ts'
import { startTelemetry } from './telemetry.ts'
import { withSpan } from './trace.ts'

function capture(): { lines: Record<string, unknown>[]; stream: DestinationStream } {
  const lines: Record<string, unknown>[] = []
  return {
    lines,
    stream: { write: (msg: string) => void lines.push(JSON.parse(msg) as Record<string, unknown>) },
  }
}

beforeAll(() => {
  vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', '')
  startTelemetry({ serviceName: 'observability-test' })
})
afterEach(() => vi.unstubAllEnvs())

describe('createLogger', () => {
  it('adds the active trace_id and span_id inside a span, and none outside', async () => {
    const { lines, stream } = capture()
    const log = createLogger({ service: 'escrow', level: 'info', destination: stream })

    log.info('before')
    const ids = await withSpan('work', (span) => {
      log.info('inside')
      return span.spanContext()
    })
    log.info('after')

    const [before, inside, after] = lines
    expect(before).not.toHaveProperty('trace_id')
    expect(inside).toMatchObject({
      msg: 'inside',
      service: 'escrow',
      level: 'info',
      trace_id: ids.traceId,
      span_id: ids.spanId,
    })
    expect(ids.traceId).toMatch(/^[0-9a-f]{32}$/)
    expect(ids.traceId).not.toBe('0'.repeat(32))
    expect(after).not.toHaveProperty('trace_id')
  })

  it('takes its level from LOG_LEVEL, where silent writes nothing', () => {
    const { lines, stream } = capture()
    vi.stubEnv('LOG_LEVEL', 'silent')
    createLogger({ service: 'escrow', destination: stream }).error('dropped')
    vi.stubEnv('LOG_LEVEL', 'warn')
    const warnOnly = createLogger({ service: 'escrow', destination: stream })
    warnOnly.info('dropped too')
    warnOnly.warn('kept')
    expect(lines.map((l) => l['msg'])).toEqual(['kept'])
  })

  it('rejects a LOG_LEVEL it does not know instead of guessing', () => {
    vi.stubEnv('LOG_LEVEL', 'verbose')
    expect(() => createLogger({ service: 'escrow' })).toThrow(/LOG_LEVEL=verbose/)
  })
})
