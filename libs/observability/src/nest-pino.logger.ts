import { Inject, Injectable } from '@nestjs/common'
import type { LoggerService } from '@nestjs/common'
import type { Level, Logger } from 'pino'
import { PINO_LOGGER } from './observability.tokens.ts'

// Nest passes the stack of an error as a plain string argument; this is how we tell it apart
// from the context name, which is also a string.
const STACK_LINE = /\n\s+at /

/**
 * Nest's LoggerService on top of pino, so framework lines (bootstrap, routes, unhandled
 * errors) come out as the same JSON, with trace ids, as the service's own:
 * `app.useLogger(app.get(NestPinoLogger))`.
 */
@Injectable()
export class NestPinoLogger implements LoggerService {
  constructor(@Inject(PINO_LOGGER) private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params)
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params)
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params)
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params)
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params)
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params)
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return
    const fields: Record<string, unknown> = {}
    const rest = [...params]
    // Nest's own convention: the last string argument is the context (the class name).
    const last = rest.at(-1)
    if (typeof last === 'string' && !STACK_LINE.test(last)) {
      fields['context'] = last
      rest.pop()
    }
    const stack = rest.findIndex((p) => typeof p === 'string' && STACK_LINE.test(p))
    if (stack !== -1) fields['stack'] = rest.splice(stack, 1)[0]
    if (rest.length > 0) fields['params'] = rest

    if (message instanceof Error) {
      this.logger[level]({ ...fields, err: message }, message.message)
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ ...fields, ...message })
    } else {
      this.logger[level](fields, String(message))
    }
  }
}
