import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import httpProxy from '@fastify/http-proxy'
import Fastify, { LogController } from 'fastify'
import type {
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyServerOptions,
  RawServerBase,
  RouteGenericInterface,
} from 'fastify'
import { isProbePath, meter, renderMetrics } from '@tessera/observability'
import type { ServiceName } from '@tessera/infra-topology'
import { DEFAULT_LIMITS, type GatewayLimits } from './config.ts'
import {
  clientError,
  codeFor,
  expectationFailed,
  frameworkError,
  notFound,
  toApiError,
  tooLargeToContinue,
  type ApiError,
} from './errors.ts'
import { checkStack } from './readiness.ts'
import { matchRoute } from './routes.ts'

export interface GatewayOptions {
  serviceUrls: Readonly<Record<ServiceName, string>>
  readinessTimeoutMs?: number
  logger?: FastifyServerOptions['logger']
  /** Each one unset takes its default from {@link DEFAULT_LIMITS}. */
  limits?: Partial<GatewayLimits>
}

/** Never contacted: the handler answers 404 before anything is sent upstream. */
const UNROUTED = 'http://unrouted.invalid'

/**
 * Request headers never forwarded: hop-by-hop ones (RFC 9110 §7.6.1), and those the gateway
 * settles itself. The body is read whole first, so `expect` was already answered and the
 * length is known; undici refuses requests that carry any of these.
 */
const HOP_BY_HOP_REQUEST = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'upgrade',
  'expect',
]

/** Response headers that describe the service's connection to the gateway, not the client's. */
const HOP_BY_HOP_RESPONSE = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding']

/** A Fastify app that forwards each public path to the service named in `routes.ts`. */
export async function buildGateway(opts: GatewayOptions): Promise<FastifyInstance> {
  const limits: GatewayLimits = { ...DEFAULT_LIMITS, ...opts.limits }
  const app = Fastify({
    logger: opts.logger ?? false,
    // one line per request, written in onResponse below, with the service it went to
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // Fastify's 503 while closing has its own body; closing already refuses new connections
    // and reaps idle ones, so a request that still arrives is served like any other
    return503OnClosing: false,
    bodyLimit: limits.bodyLimit,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // Node looks for timed-out requests every 30 s by default, far later than the limits
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
    },
    clientErrorHandler: clientError,
    frameworkErrors: frameworkError,
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

  // Node answers an `Expect` other than 100-continue itself, with an empty 417; this says why
  app.server.on('checkExpectation', expectationFailed)
  // and says `100 Continue` to every body; one announced over the limit is refused unsent
  app.server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    if (Number(request.headers['content-length']) > limits.bodyLimit) {
      tooLargeToContinue(response, limits.bodyLimit)
      return
    }
    response.writeContinue()
    app.server.emit('request', request, response)
  })

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

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const { status, body } = toApiError(error, limits.bodyLimit)
    if (status >= 500) request.log.error({ err: error }, 'gateway error')
    // the rest of an over-limit or half-sent body is not worth reading: end the connection
    if (status === 413 || status === 408) void reply.header('connection', 'close')
    return reply.code(status).send(body)
  })

  app.addHook('onRequest', async (request, reply) => {
    if (request.url.length > limits.maxUrlLength) {
      const body: ApiError = {
        code: codeFor(414),
        message: `the request target is over the gateway's limit of ${limits.maxUrlLength} characters`,
        details: { limit: limits.maxUrlLength },
      }
      return reply.code(414).send(body)
    }
  })

  // Bodies are read whole (up to bodyLimit, within requestTimeout) before a service is asked:
  // streamed, a trickling body would hold one of the service's few connections all along.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body)
  })

  await app.register(httpProxy, {
    // no fixed upstream: getUpstream picks the service per request from the route table
    upstream: '',
    disableRequestLogging: true,
    // the parser above reads the body; the proxy's own would pass the socket stream on
    proxyPayloads: false,
    undici: {
      connections: limits.upstreamConnections,
      headersTimeout: limits.upstreamTimeoutMs,
      bodyTimeout: limits.upstreamTimeoutMs,
    },
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
        ...omit(headers, HOP_BY_HOP_REQUEST),
        'x-request-id': request.id,
        'x-forwarded-for': [headers['x-forwarded-for'], request.ip].filter(Boolean).join(', '),
        'x-forwarded-proto': request.protocol,
        'x-forwarded-host': request.headers.host ?? '',
      }),
      // the client's connection keeps its own terms (a `Connection: close` is honoured by Node)
      rewriteHeaders: (headers) => omit(headers, HOP_BY_HOP_RESPONSE),
    },
    handler: (request, reply, dest, options) => {
      const service = routedTo.get(request)
      if (service === undefined) return reply.code(404).send(notFound(request))
      const body = request.body
      return reply.from(dest, {
        ...options,
        // a read body goes as it came, bytes and type; reply-from would re-encode JSON
        ...(Buffer.isBuffer(body)
          ? { body, contentType: request.headers['content-type'] ?? 'application/octet-stream' }
          : {}),
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

function omit<T extends Record<string, unknown>>(headers: T, names: readonly string[]): T {
  const kept = { ...headers }
  for (const name of names) delete kept[name]
  return kept
}
