/**
 * OpenTelemetry bootstrap for a Tessera process.
 *
 * `startTelemetry` MUST be the first thing a service's main.ts does, before the app (and so
 * `http`, `pg`, fastify, Nest) is imported. Instrumentations patch modules as they are loaded;
 * a module loaded earlier keeps its unpatched functions and yields no spans. Hence:
 *
 *   import { startTelemetry } from '@tessera/observability'
 *   startTelemetry({ serviceName: 'escrow' })
 *   await import('./app.ts') // everything else, loaded after the patches are in place
 *
 * It has to be a dynamic import: static imports are hoisted and evaluated before any
 * statement of main.ts runs (checked: a statically imported `pg` stays unpatched).
 */
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus'
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http'
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg'
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici'
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources'
import { NodeSDK, metrics as sdkMetrics } from '@opentelemetry/sdk-node'
import {
  AlwaysOffSampler,
  BatchSpanProcessor,
  NoopSpanProcessor,
} from '@opentelemetry/sdk-trace-base'
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base'
import { ATTR_SERVICE_NAME, ATTR_SERVICE_NAMESPACE } from '@opentelemetry/semantic-conventions'
import { isProbePath } from './probe-paths.ts'

export interface TelemetryOptions {
  serviceName: string
  /**
   * For processes without an HTTP server of their own (bus workers): serve Prometheus text
   * on this port from the exporter's built-in server. HTTP services leave it unset and expose
   * `GET /metrics` through ObservabilityModule instead.
   */
  metricsPort?: number
}

export interface TelemetryHandle {
  readonly serviceName: string
  /** Flushes pending spans and stops exporters. Idempotent. */
  shutdown(): Promise<void>
}

interface TelemetryState {
  handle: TelemetryHandle
  exporter: PrometheusExporter
}

// Kept on globalThis like the OTel API's own registry, so two copies of this module (vitest
// module isolation, a duplicated install) still share one SDK per process.
const STATE_KEY = Symbol.for('tessera.observability.telemetry')
type GlobalWithTelemetry = typeof globalThis & { [STATE_KEY]?: TelemetryState }

/** The running telemetry, if `startTelemetry` was called in this process. */
export function telemetryState(): TelemetryState | undefined {
  return (globalThis as GlobalWithTelemetry)[STATE_KEY]
}

/**
 * Starts tracing and metrics for this process. A second call returns the first handle: the
 * OTel globals can be registered only once per process.
 */
export function startTelemetry(opts: TelemetryOptions): TelemetryHandle {
  const existing = telemetryState()
  if (existing) return existing.handle

  const exporter = new PrometheusExporter({
    preventServerStart: opts.metricsPort === undefined,
    ...(opts.metricsPort === undefined ? {} : { port: opts.metricsPort }),
  })

  const sdk = new NodeSDK({
    serviceName: opts.serviceName,
    resource: defaultResource().merge(
      resourceFromAttributes({
        [ATTR_SERVICE_NAME]: opts.serviceName,
        [ATTR_SERVICE_NAMESPACE]: 'tessera',
      }),
    ),
    spanProcessors: [spanProcessorFromEnv()],
    ...(tracesExported() || process.env['OTEL_TRACES_SAMPLER']
      ? {}
      : { sampler: new AlwaysOffSampler() }),
    // An empty list (not undefined) stops the SDK from defaulting to an OTLP log exporter:
    // our logs go to stdout through pino.
    logRecordProcessors: [],
    metricReaders: [exporter],
    views: [
      // registerHttpMetrics records server durations with the route; the instrumentation's
      // own histogram has no route (we have no fastify instrumentation) and would double up.
      {
        meterName: '@opentelemetry/instrumentation-http',
        instrumentName: 'http.server.request.duration',
        aggregation: { type: sdkMetrics.AggregationType.DROP },
      },
    ],
    textMapPropagator: new W3CTraceContextPropagator(),
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes arrive every few seconds; as traces they are pure noise.
        ignoreIncomingRequestHook: (req) => isProbePath(req.url),
      }),
      new UndiciInstrumentation(),
      // Root pg spans would mostly be pool pings; queries we care about run inside a request
      // or a withSpan consumer span.
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  })
  sdk.start()

  let stopping: Promise<void> | undefined
  const handle: TelemetryHandle = {
    serviceName: opts.serviceName,
    shutdown: () => (stopping ??= sdk.shutdown()),
  }
  ;(globalThis as GlobalWithTelemetry)[STATE_KEY] = { handle, exporter }
  return handle
}

/** Whether an OTLP endpoint is configured: only then are spans shipped anywhere. */
function tracesExported(): boolean {
  return Boolean(
    process.env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] || process.env['OTEL_EXPORTER_OTLP_ENDPOINT'],
  )
}

/**
 * Without an OTLP endpoint spans go nowhere, so they are not recorded either (the sampler
 * above says so, unless OTEL_TRACES_SAMPLER chooses): a non-recording span still has its trace
 * and span ids, so logs carry them and `traceparent` still crosses HTTP and the bus, and the
 * attributes and timings nobody reads cost nothing. Recording them cost escrow a sixth of its
 * CPU (bench/escrow.bench.ts --cpu-prof 1).
 */
function spanProcessorFromEnv(): SpanProcessor {
  if (!tracesExported()) return new NoopSpanProcessor()
  // The exporter reads the endpoint (and headers) from the same env vars itself.
  return new BatchSpanProcessor(new OTLPTraceExporter())
}
