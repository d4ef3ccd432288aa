import { context } from '@opentelemetry/api'
import { RPCType, getRPCMetadata } from '@opentelemetry/core'
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
} from '@opentelemetry/semantic-conventions'
import type { FastifyInstance } from 'fastify'
import { meter } from './metrics.ts'

// The OTel semantic-convention buckets for http.server.request.duration.
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]

// Unmatched URLs (scanners, typos) must not each become a label value.
const UNMATCHED_ROUTE = 'unmatched'

/**
 * Records `http_server_request_duration_seconds{http_request_method, http_route,
 * http_response_status_code}` for every request, and names the HTTP server span after the route.
 *
 * Why not instrumentation-http's own `http.server.request.duration`: it only learns the route
 * from a framework instrumentation (there is none for fastify in our stack), so it would label
 * by method and status alone; startTelemetry drops it in favour of this one. Call before
 * `app.listen`, after `startTelemetry` (instruments made earlier are no-ops).
 */
export function registerHttpMetrics(app: FastifyInstance): void {
  const duration = meter('@tessera/observability').createHistogram(
    'http_server_request_duration_seconds',
    {
      description: 'Duration of HTTP server requests, by route.',
      unit: 's',
      advice: { explicitBucketBoundaries: BUCKETS },
    },
  )

  app.addHook('onRequest', (request, _reply, done) => {
    // instrumentation-http leaves an RPC slot in the context for frameworks to fill; with the
    // route there, the span is named `GET /pacts/:id` instead of just `GET`.
    const rpc = getRPCMetadata(context.active())
    const route = request.routeOptions.url
    if (rpc?.type === RPCType.HTTP && route !== undefined) rpc.route = route
    done()
  })

  app.addHook('onResponse', (request, reply, done) => {
    duration.record(reply.elapsedTime / 1000, {
      [ATTR_HTTP_REQUEST_METHOD]: request.method,
      [ATTR_HTTP_ROUTE]: request.routeOptions.url ?? UNMATCHED_ROUTE,
      [ATTR_HTTP_RESPONSE_STATUS_CODE]: reply.statusCode,
    })
    done()
  })
}
