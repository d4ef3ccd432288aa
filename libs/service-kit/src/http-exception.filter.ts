import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common'
import type { FastifyReply } from 'fastify'
import type { Logger } from 'pino'
import { ConcurrencyError } from '@tessera/event-store'
import { ApiError } from './errors.ts'

const CODES: Record<number, string> = {
  400: 'VALIDATION_ERROR',
  401: 'AUTH_FAILED',
  403: 'AUTH_DENIED',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  408: 'REQUEST_TIMEOUT',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  431: 'HEADERS_TOO_LARGE',
}

/** Every error leaves as `{code, message, details}`; nothing internal leaks in a 500. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  constructor(private readonly log: Logger) {}

  catch(err: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>()
    const { status, body } = this.map(err)
    if (status >= 500) this.log.error({ err }, 'unhandled error')
    void reply.status(status).send(body)
  }

  private map(err: unknown) {
    if (err instanceof ApiError) {
      return {
        status: err.status,
        body: { code: err.code, message: err.message, details: err.details },
      }
    }
    if (err instanceof ConcurrencyError) {
      return {
        status: 409,
        body: { code: err.code, message: err.message, details: { streamId: err.streamId } },
      }
    }
    if (err instanceof HttpException) {
      const status = err.getStatus()
      return {
        status,
        body: {
          code:
            typeof err.cause === 'object' && err.cause !== null
              ? fastifyCode(err.cause, status)
              : (CODES[status] ?? (status >= 500 ? 'INTERNAL' : 'ERROR')),
          message:
            typeof err.cause === 'object' && err.cause !== null
              ? fastifyMessage(err.cause, err.message)
              : err.message,
          details: {},
        },
      }
    }
    // Fastify's own errors (bad JSON, body too large, wrong content type) carry a statusCode.
    if (
      typeof err === 'object' &&
      err !== null &&
      'statusCode' in err &&
      typeof err.statusCode === 'number' &&
      err.statusCode < 500
    ) {
      const status = err.statusCode
      const message = fastifyMessage(err, err instanceof Error ? err.message : 'bad request')
      return { status, body: { code: fastifyCode(err, status), message, details: {} } }
    }
    return { status: 500, body: { code: 'INTERNAL', message: 'internal error', details: {} } }
  }
}

/** Body-parser failures get codes of their own: a client must tell bad JSON from bad fields. */
function fastifyCode(err: object, status: number): string {
  const code = 'code' in err ? err.code : undefined
  if (status === 400 && (err instanceof SyntaxError || code === 'FST_ERR_CTP_INVALID_JSON_BODY')) {
    return 'MALFORMED_JSON'
  }
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'MALFORMED_JSON'
  if (typeof code === 'string' && /^[A-Z][A-Z_]+$/.test(code) && !code.startsWith('FST_'))
    return code
  return CODES[status] ?? 'BAD_REQUEST'
}

/** Fastify's one-word messages, said so a client knows what to send instead. */
function fastifyMessage(err: object, message: string): string {
  const code = 'code' in err ? err.code : undefined
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'send the body as application/json (UTF-8)'
  return message
}
