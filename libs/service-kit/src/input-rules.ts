import { isUtf8 } from 'node:buffer'
import type { Socket } from 'node:net'
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify'
import { ApiError, ValidationFailed } from './errors.ts'

/**
 * The input rules every service's HTTP API keeps, before any controller runs (docs/api-errors.md):
 * bodies are UTF-8 `application/json` (415 otherwise); no string anywhere in a body, query or path
 * holds NUL or a lone surrogate, which Postgres cannot store in text or jsonb (400
 * `VALIDATION_ERROR` naming the field); and the router's and the HTTP parser's own refusals
 * answer `{code, message, details}` like every other error.
 */

/**
 * Route config of a route that judges the strings of its body itself, item by item (ingest's
 * batches answer per event): `@RouteConfig(OWN_BODY_TEXT_CHECKS)`. Query and path stay checked.
 */
export const OWN_BODY_TEXT_CHECKS = { ownBodyTextChecks: true } as const

/** Adds the body parser and the string check to a Fastify instance before its routes exist. */
export function registerInputRules(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error')
  fastify.removeAllContentTypeParsers()
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer' },
    (req: FastifyRequest, body: Buffer, done) => {
      const charset = charsetOf(req.headers['content-type'])
      if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
        done(
          new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'JSON bodies are UTF-8: send charset=utf-8', {
            charset: charset.slice(0, 40),
          }),
        )
        return
      }
      // Broken JSON is told as such first; well-formed JSON in another encoding is a 415.
      // Fastify's own JSON parser (secure-json-parse, prototype poisoning refused) is synchronous.
      void parseJson(req, body.toString('utf8'), (err, value) => {
        if (err) done(err)
        else if (!isUtf8(body))
          done(new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'the body is not valid UTF-8'))
        else done(null, value)
      })
    },
  )
  fastify.addHook('preValidation', (req, _reply, done) => {
    const own = (req.routeOptions.config as { ownBodyTextChecks?: boolean }).ownBodyTextChecks
    const bad =
      unstorableText(req.params, 'path') ??
      unstorableText(req.query, 'query') ??
      (own ? undefined : unstorableText(req.body, 'body'))
    if (!bad) return done()
    const message = `${FIELD[bad.in]} ${bad.path || '(root)'} ${bad.message}`
    done(ValidationFailed(message, { issues: [bad] }))
  })
}

/** `frameworkErrors`: a path with broken percent-encoding or an over-long id is a 400. */
export function frameworkErrors(
  err: Error & { code?: string },
  _req: FastifyRequest,
  reply: FastifyReply,
): void {
  const message =
    err.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'a path id is longer than 100 characters'
      : err.code === 'FST_ERR_BAD_URL'
        ? 'the path is not valid percent-encoded UTF-8'
        : 'the path cannot be routed'
  const error = ValidationFailed(message, { issues: [{ in: 'path', path: '', message }] })
  void reply
    .code(error.status)
    .send({ code: error.code, message: error.message, details: error.details })
}

/** Refusals of the HTTP parser itself (before Fastify sees a request) as `{code, message, details}`. */
export const clientErrorHandler: NonNullable<FastifyServerOptions['clientErrorHandler']> = (
  err: Error & { code?: string },
  socket: Socket,
) => {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const [status, reason, code, message] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout', 'REQUEST_TIMEOUT', 'the request took too long to arrive']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', 'HEADERS_TOO_LARGE', 'the headers are too large']
        : [400, 'Bad Request', 'BAD_REQUEST', 'the request is not valid HTTP/1.1']
  const body = JSON.stringify({ code, message, details: {} })
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    )
  }
  socket.destroy(err)
}

const FIELD = { body: 'field', query: 'query parameter', path: 'path parameter' } as const

function charsetOf(contentType: string | undefined): string | undefined {
  return /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(contentType ?? '')?.[1]
}

export interface TextIssue {
  in: 'body' | 'query' | 'path'
  /** Dotted path to the field (`metadata.note`, `items.3`); keys are named as they came. */
  path: string
  message: string
}

interface Node {
  value: unknown
  key: string
  parent: Node | undefined
}

const MAX_PATH_SEGMENTS = 12

/**
 * The first string (value or key) that Postgres could not store: NUL, or UTF-16 that is not
 * well-formed (a lone surrogate). Walks iteratively: bodies may nest far deeper than the stack.
 */
export function unstorableText(root: unknown, where: TextIssue['in']): TextIssue | undefined {
  const stack: Node[] = [{ value: root, key: '', parent: undefined }]
  for (let node = stack.pop(); node; node = stack.pop()) {
    const { value } = node
    if (typeof value === 'string') {
      const problem = textProblem(value)
      if (problem) return { in: where, path: pathOf(node), message: problem }
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        const problem = textProblem(key)
        const at: Node = { value: child, key, parent: node }
        if (problem) return { in: where, path: pathOf(at), message: `has a key that ${problem}` }
        stack.push(at)
      }
    }
  }
  return undefined
}

function textProblem(s: string): string | undefined {
  if (s.includes('\u0000')) return 'contains U+0000 (NUL), which cannot be stored'
  if (!s.isWellFormed()) return 'contains a lone UTF-16 surrogate, which cannot be stored'
  return undefined
}

function pathOf(node: Node): string {
  const keys: string[] = []
  for (let n: Node | undefined = node; n?.parent; n = n.parent) keys.push(n.key)
  keys.reverse()
  const shown = keys.length > MAX_PATH_SEGMENTS ? [...keys.slice(0, MAX_PATH_SEGMENTS), '…'] : keys
  // A key may itself be the bad text: shown with U+FFFD in its place, and cut short.
  return shown.map((k) => k.toWellFormed().replaceAll('\u0000', '\ufffd').slice(0, 64)).join('.')
}
