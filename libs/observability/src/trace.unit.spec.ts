import { SpanStatusCode, trace } from '@opentelemetry/api'
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { startTelemetry } from './telemetry.ts'
import { extractTraceContext, injectTraceContext, withSpan } from './trace.ts'

beforeAll(() => {
  vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', '')
  // recorded spans, to see what withSpan records (without it nothing is: telemetry.unit.spec)
  vi.stubEnv('OTEL_TRACES_SAMPLER', 'always_on')
  startTelemetry({ serviceName: 'observability-test' })
})

describe('trace context over message headers', () => {
  it('round-trips the trace id from producer to consumer', async () => {
    const { headers, producer } = await withSpan('publish', (span) => ({
      headers: injectTraceContext({ 'msg-id': 'm-1' }),
      producer: span.spanContext(),
    }))
    expect(headers['traceparent']).toContain(producer.traceId)
    expect(headers['msg-id']).toBe('m-1')

    const parent = extractTraceContext(headers)
    expect(trace.getSpanContext(parent)?.traceId).toBe(producer.traceId)

    const consumer = await withSpan('consume', (span) => span.spanContext(), { parent })
    expect(consumer.traceId).toBe(producer.traceId)
    expect(consumer.spanId).not.toBe(producer.spanId)
  })

  it('starts a fresh trace when the headers carry none', async () => {
    const parent = extractTraceContext({})
    const ids = await withSpan('consume', (span) => span.spanContext(), { parent })
    expect(trace.getSpanContext(parent)).toBeUndefined()
    expect(ids.traceId).toMatch(/^[0-9a-f]{32}$/)
  })
})

describe('withSpan', () => {
  it('rethrows, and marks the span as failed with the exception recorded', async () => {
    let span: ReadableSpan | undefined
    const failing = withSpan('charge', (s) => {
      span = s as unknown as ReadableSpan
      throw new Error('card declined')
    })
    await expect(failing).rejects.toThrow('card declined')
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'card declined' })
    expect(span?.events.map((e) => e.name)).toEqual(['exception'])
    expect(span?.ended).toBe(true)
  })

  it('returns the value and leaves no span active afterwards', async () => {
    expect(await withSpan('sum', () => 1 + 2)).toBe(3)
    expect(trace.getActiveSpan()).toBeUndefined()
  })
})
