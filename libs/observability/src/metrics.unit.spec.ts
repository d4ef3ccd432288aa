import { beforeAll, describe, expect, it, vi } from 'vitest'
import { PROMETHEUS_CONTENT_TYPE, meter, renderMetrics } from './metrics.ts'
import { startTelemetry } from './telemetry.ts'

beforeAll(() => {
  vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', '')
  startTelemetry({ serviceName: 'observability-test' })
})

describe('renderMetrics', () => {
  it('renders a counter we incremented as Prometheus text', async () => {
    const made = meter('widgets').createCounter('widgets_made', { description: 'Widgets made.' })
    made.add(2, { kind: 'blue' })
    made.add(1, { kind: 'blue' })

    const { contentType, body } = await renderMetrics()

    expect(contentType).toBe(PROMETHEUS_CONTENT_TYPE)
    expect(body).toContain('# TYPE widgets_made_total counter')
    expect(body).toMatch(/^widgets_made_total\{kind="blue",otel_scope_name="widgets"\} 3$/m)
    expect(body).toMatch(/^target_info\{.*service_name="observability-test".*\} 1$/m)
  })

  it('is the same process-wide telemetry when started twice', () => {
    const first = startTelemetry({ serviceName: 'observability-test' })
    expect(startTelemetry({ serviceName: 'other' })).toBe(first)
  })
})
