import { STATUS_CODES } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'

/** The error body every Tessera API answers with. */
export interface ApiError {
  code: string
  message: string
  details: Record<string, unknown>
}

/** Stable codes by status, the services' own where they have one (service-kit's filter). */
const CODES: Readonly<Record<number, string>> = {
  400: 'BAD_REQUEST',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  408: 'REQUEST_TIMEOUT',
  417: 'EXPECTATION_FAILED',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  431: 'HEADERS_TOO_LARGE',
  503: 'UNAVAILABLE',
}

export function codeFor(status: number): string {
  return CODES[status] ?? (status < 500 ? 'BAD_REQUEST' : 'INTERNAL_ERROR')
}

export function notFound(request: FastifyRequest): ApiError {
  const path = request.url.split('?', 1)[0] ?? ''
  return {
    code: 'NOT_FOUND',
    message: `no Tessera service serves ${request.method} ${path}`,
    details: { method: request.method, path },
  }
}

/**
 * What the gateway answers for any error raised in Fastify (body parsing, bad URLs, its own
 * bugs): a client's mistake keeps its 4xx status and Fastify's message; anything else is a
 * 500 that says nothing internal.
 */
export function toApiError(
  error: Partial<FastifyError>,
  bodyLimit: number,
): { status: number; body: ApiError } {
  const status =
    error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 600
      ? error.statusCode
      : 500
  if (status >= 500) {
    return {
      status,
      body: {
        code: codeFor(status),
        message: 'the gateway failed to handle this request',
        details: {},
      },
    }
  }
  if (status === 413) return { status, body: payloadTooLarge(bodyLimit) }
  const message = error.message ?? STATUS_CODES[status] ?? 'bad request'
  return { status, body: { code: codeFor(status), message, details: {} } }
}

function payloadTooLarge(bodyLimit: number): ApiError {
  return {
    code: codeFor(413),
    message: `the request body is over the gateway's limit of ${bodyLimit} bytes`,
    details: { limit: bodyLimit },
  }
}

/** For `checkContinue`: the announced body is over the limit, so the client need not send it. */
export function tooLargeToContinue(response: ServerResponse, bodyLimit: number): void {
  response
    .writeHead(413, { 'content-type': 'application/json; charset=utf-8', connection: 'close' })
    .end(JSON.stringify(payloadTooLarge(bodyLimit)))
}

/** Fastify's hook for errors met before routing (FST_ERR_BAD_URL, over-long parameters). */
export function frameworkError(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  if (error.code === 'FST_ERR_BAD_URL') {
    // the services' own word for it (service-kit's input rules), so a client sees one code
    const message = 'the path is not valid percent-encoded UTF-8'
    void reply.code(400).send({
      code: 'VALIDATION_ERROR',
      message,
      details: { issues: [{ in: 'path', path: '', message }] },
    } satisfies ApiError)
    return
  }
  const { status, body } = toApiError(error, 0)
  void reply.code(status).send(body)
}

/** Node's own names for what went wrong on a socket before Fastify saw a request. */
function clientErrorStatus(code: string | undefined): number {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408
  if (code === 'HPE_HEADER_OVERFLOW') return 431
  if (code === 'HPE_URI_TOO_LONG') return 414
  return 400
}

/**
 * Replaces Fastify's `clientErrorHandler`, whose bodies are `{error, message, statusCode}`:
 * same behaviour (answer once if nothing was written yet, then close), Tessera's body.
 */
export function clientError(
  this: { log: { debug(obj: object, msg: string): void } },
  err: NodeJS.ErrnoException,
  socket: Socket,
): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const status = clientErrorStatus(err.code)
  const body: ApiError =
    status === 408
      ? {
          code: codeFor(408),
          message: 'the request did not arrive in time',
          details: {},
        }
      : status === 431
        ? { code: codeFor(431), message: 'the request headers are too large', details: {} }
        : { code: codeFor(status), message: 'the request is not valid HTTP', details: {} }
  this.log.debug({ err, status }, 'client error')
  // a response already under way (an upstream answer being relayed) must not be corrupted
  const pending = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage
  if (socket.writable && pending?.headersSent !== true) {
    const text = JSON.stringify(body)
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
    )
  }
  socket.destroy(err)
}

/** Node's `checkExpectation`: an `Expect` header other than `100-continue`. */
export function expectationFailed(request: IncomingMessage, response: ServerResponse): void {
  const body: ApiError = {
    code: codeFor(417),
    message: 'the only expectation the gateway meets is Expect: 100-continue',
    details: { expect: request.headers.expect ?? '' },
  }
  response
    .writeHead(417, { 'content-type': 'application/json; charset=utf-8', connection: 'close' })
    .end(JSON.stringify(body))
}
