import { randomUUID } from 'node:crypto'
import httpProxy from '@fastify/http-proxy'
import Fastify, { LogController } from 'fastify'
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifyServerOptions,
  RawServerBase,
  RouteGenericInterface,
} from 'fastify'
import { isProbePath, meter, renderMetrics } from '@tessera/observability'
import type { ServiceName } from '@tessera/infra-topology'
import { checkStack } from './readiness.ts'
import { matchRoute } from './routes.ts'

export interface GatewayOptions {
  serviceUrls: Readonly<Record<ServiceName, string>>
  readinessTimeoutMs?: number
  logger?: FastifyServerOptions['logger']
}

/** The error body every Tessera API answers with. */
export interface ApiError {
  code: string
  message: string
  details?: Record<string, unknown>
}

/** Never contacted: the handler answers 404 before anything is sent upstream. */
const UNROUTED = 'http://unrouted.invalid'

/** A Fastify app that forwards each public path to the service named in `routes.ts`. */
export async function buildGateway(opts: GatewayOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    // one line per request, written in onResponse below, with the service it went to
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    return503OnClosing: true,
  })
  const m = meter('@tessera/gateway')
  const requests = m.createCounter('tessera_gateway_requests', {
    description: 'Requests routed, by service and status.',
  })
  const upstreamErrors = m.createCounter('tessera_gateway_upstream_errors', {
    description: 'Requests whose service could not be reached.',
  })
  // keyed by request; reply-from types its hooks for any server kind, so by plain object
  const routedTo = new WeakMap<object, ServiceName>()

  app.get('/health/live', () => ({ status: 'live' }))

  app.get('/health/ready', async (_req, reply) => {
    const readiness = await checkStack(opts.serviceUrls, opts.readinessTimeoutMs ?? 2000)
    return reply.code(readiness.status === 'ready' ? 200 : 503).send(readiness)
  })

  app.get('/metrics', async (_req, reply) => {
    const { contentType, body } = await renderMetrics()
    return reply.type(contentType).send(body)
  })

  // before the proxy registers: its encapsulated context copies these when it is created
  app.setNotFoundHandler((request, reply) => reply.code(404).send(notFound(request)))

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const status =
      error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500
    if (status >= 500) request.log.error({ err: error }, 'gateway error')
    const body: ApiError = {
      code: status < 500 ? 'BAD_REQUEST' : 'INTERNAL_ERROR',
      message: status < 500 ? error.message : 'the gateway failed to handle this request',
    }
    return reply.code(status).send(body)
  })

  await app.register(httpProxy, {
    // no fixed upstream: getUpstream picks the service per request from the route table
    upstream: '',
    disableRequestLogging: true,
    replyOptions: {
      getUpstream: (request) => {
        const route = matchRoute(request.url)
        if (route === undefined) return UNROUTED
        routedTo.set(request, route.service)
        return opts.serviceUrls[route.service]
      },
      // a service answering 503 to a GET means it, not the network; do not retry it 10 times
      retryDelay: () => null,
      rewriteRequestHeaders: (request, headers) => ({
        ...headers,
        'x-request-id': request.id,
        'x-forwarded-for': [headers['x-forwarded-for'], request.ip].filter(Boolean).join(', '),
        'x-forwarded-proto': request.protocol,
        'x-forwarded-host': request.headers.host ?? '',
      }),
    },
    handler: (request, reply, dest, options) => {
      const service = routedTo.get(request)
      if (service === undefined) return reply.code(404).send(notFound(request))
      return reply.from(dest, {
        ...options,
        onError: (failed, { error }) => {
          upstreamErrors.add(1, { service })
          upstreamFailed(failed, service, error)
        },
      })
    },
  })

  app.addHook('onResponse', (request, reply, done) => {
    if (!isProbePath(request.url)) {
      const service = routedTo.get(request) ?? 'none'
      requests.add(1, { service, status: String(reply.statusCode) })
      request.log.info(
        {
          method: request.method,
          url: request.url,
          // `service` is taken: it names the gateway itself on every line
          upstream: service,
          statusCode: reply.statusCode,
          ms: Math.round(reply.elapsedTime),
        },
        'request',
      )
    }
    done()
  })

  return app
}

function notFound(request: FastifyRequest): ApiError {
  const path = request.url.split('?', 1)[0] ?? ''
  return { code: 'NOT_FOUND', message: `no Tessera service serves ${request.method} ${path}` }
}

/** reply-from hands its error hook a reply typed for any server kind, hence the wide type. */
type AnyReply = FastifyReply<RouteGenericInterface, RawServerBase>

function upstreamFailed(reply: AnyReply, service: ServiceName, error: Error): AnyReply {
  const timedOut = 'statusCode' in error && error.statusCode === 504
  const cause =
    error.cause instanceof Error && 'code' in error.cause ? String(error.cause.code) : error.message
  const body: ApiError = timedOut
    ? {
        code: 'UPSTREAM_TIMEOUT',
        message: `${service} did not answer in time`,
        details: { service },
      }
    : {
        code: 'UPSTREAM_UNAVAILABLE',
        message: `${service} is unavailable (${cause})`,
        details: { service },
      }
  return reply.code(timedOut ? 504 : 502).send(body)
}
