import { context, isSpanContextValid, trace } from '@opentelemetry/api'
import pino from 'pino'
import type { DestinationStream, LevelWithSilent, Logger } from 'pino'

export type LogLevel = LevelWithSilent

export interface LoggerOptions {
  service: string
  /** Default: `LOG_LEVEL` from the environment, else `info`. */
  level?: LogLevel
  /** Default: stdout. Tests pass a stream to read the lines back. */
  destination?: DestinationStream
}

const LEVELS: ReadonlySet<string> = new Set([
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
])

/** Correlates every log line with the trace it was written in, so logs and traces join up. */
export function traceFields(): Record<string, string> {
  const span = trace.getSpan(context.active())
  if (!span) return {}
  const sc = span.spanContext()
  if (!isSpanContextValid(sc)) return {}
  return { trace_id: sc.traceId, span_id: sc.spanId }
}

/** A JSON-lines pino logger carrying `service` and the active `trace_id` / `span_id`. */
export function createLogger(opts: LoggerOptions): Logger {
  const options = {
    level: opts.level ?? levelFromEnv(),
    base: { service: opts.service },
    // Level names rather than pino's numbers: log backends and humans both read them directly.
    formatters: { level: (label: string) => ({ level: label }) },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: traceFields,
  }
  return opts.destination ? pino(options, opts.destination) : pino(options)
}

function levelFromEnv(): LogLevel {
  const raw = process.env['LOG_LEVEL']?.trim().toLowerCase()
  if (!raw) return 'info'
  if (!LEVELS.has(raw)) throw new Error(`LOG_LEVEL=${raw} is not one of ${[...LEVELS].join(', ')}`)
  return raw as LogLevel
}
