import { beforeAll, describe, expect, it, vi } from 'vitest'
import { startTelemetry } from './telemetry.ts'
import { injectTraceContext, withSpan } from './trace.ts'

beforeAll(() => {
  vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', '')
  vi.stubEnv('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', '')
  vi.stubEnv('OTEL_TRACES_SAMPLER', '')
  startTelemetry({ serviceName: 'telemetry-test' })
})

describe('spans without an OTLP endpoint', () => {
  it('are not recorded, yet carry trace ids that logs and traceparent use', async () => {
    const { recording, ids, headers } = await withSpan('charge', (span) => ({
      recording: span.isRecording(),
      ids: span.spanContext(),
      headers: injectTraceContext({}),
    }))
    expect(recording).toBe(false)
    expect(ids.traceId).toMatch(/^(?!0{32})[0-9a-f]{32}$/)
    expect(headers['traceparent']).toBe(`00-${ids.traceId}-${ids.spanId}-00`)
  })
})
