import { metrics } from '@opentelemetry/api'
import type { Meter } from '@opentelemetry/api'
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus'
import { telemetryState } from './telemetry.ts'

/** Prometheus text exposition format 0.0.4, what every scraper accepts. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

export interface RenderedMetrics {
  contentType: string
  body: string
}

// Same defaults as PrometheusExporter's own server, so /metrics looks identical either way.
const serializer = new PrometheusSerializer()

/**
 * Collects every instrument registered with the SDK and renders Prometheus text, without the
 * exporter's own HTTP server (services serve it on their main port).
 */
export async function renderMetrics(): Promise<RenderedMetrics> {
  const state = telemetryState()
  if (!state) {
    // Still valid exposition text, so a scrape succeeds and the comment explains the gap.
    return { contentType: PROMETHEUS_CONTENT_TYPE, body: '# startTelemetry() was not called\n' }
  }
  const { resourceMetrics, errors } = await state.exporter.collect()
  if (errors.length > 0) {
    throw new AggregateError(errors, 'metrics collection failed')
  }
  return { contentType: PROMETHEUS_CONTENT_TYPE, body: serializer.serialize(resourceMetrics) }
}

/**
 * A meter from the global provider. Instruments created before `startTelemetry` stay no-ops
 * forever (the metrics API has no proxy), so create them in code loaded after it.
 */
export function meter(name: string, version?: string): Meter {
  return metrics.getMeter(name, version)
}
