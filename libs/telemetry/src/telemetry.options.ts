/** Mirrors `TELEMETRY_MAX_BATCH` of `@tessera/contracts` (imported for types only). */
export const MAX_BATCH_SIZE = 100

/** Where the SDK reports its own trouble; `console` fits, and so does any logger with these two. */
export interface TelemetryLogger {
  warn(message: string, details?: Record<string, unknown>): void
  error(message: string, details?: Record<string, unknown>): void
}

export interface TelemetryOptions {
  /** The agent's API key, sent as `Authorization: Bearer <apiKey>`. */
  apiKey: string
  /** Default: `TESSERA_URL` from the environment, else `http://localhost:8080`. */
  baseUrl?: string
  /** Events per request; a full batch is sent at once. Default 100, which is also the most. */
  maxBatchSize?: number
  /** A partial batch waits at most this long before it is sent. Default 1000. */
  flushIntervalMs?: number
  /** Events held while waiting to be sent; when full, the oldest is dropped. Default 1000. */
  maxBufferSize?: number
  /** Retries of one batch after a network error, 5xx or 429. Default 3. */
  maxRetries?: number
  /** Base of the exponential backoff (full jitter). Default 200. */
  baseBackoffMs?: number
  /** Cap of the exponential backoff. Default 10 000. */
  maxBackoffMs?: number
  /** One request, body included; a slower one counts as a network error. Default 10 000. */
  requestTimeoutMs?: number
  /** How long `close()` may spend flushing before it gives up on what is left. Default 10 000. */
  closeTimeoutMs?: number
  /** Default: `console`. */
  logger?: TelemetryLogger
  /** Default: the global `fetch`. */
  fetch?: typeof fetch
}

export interface ResolvedOptions {
  apiKey: string
  url: string
  maxBatchSize: number
  flushIntervalMs: number
  maxBufferSize: number
  maxRetries: number
  baseBackoffMs: number
  maxBackoffMs: number
  requestTimeoutMs: number
  closeTimeoutMs: number
  logger: TelemetryLogger
  fetch: typeof fetch
}

const consoleLogger: TelemetryLogger = {
  warn: (message, details) => (details ? console.warn(message, details) : console.warn(message)),
  error: (message, details) => (details ? console.error(message, details) : console.error(message)),
}

/** Applies the defaults; throws on a missing key or a nonsensical number, the SDK's only throw. */
export function resolveOptions(options: TelemetryOptions): ResolvedOptions {
  if (typeof options?.apiKey !== 'string' || options.apiKey.trim() === '') {
    throw new TypeError('@tessera/telemetry: apiKey is required')
  }
  const env = typeof process === 'undefined' ? undefined : process.env['TESSERA_URL']
  const baseUrl = (options.baseUrl ?? env ?? 'http://localhost:8080').replace(/\/+$/, '')
  if (options.fetch === undefined && typeof globalThis.fetch !== 'function') {
    throw new TypeError('@tessera/telemetry: no fetch available; pass options.fetch')
  }
  // called through globalThis: browsers reject a fetch invoked with another `this`
  const fetchImpl: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  const maxBufferSize = int('maxBufferSize', options.maxBufferSize, 1000, 1)
  return {
    apiKey: options.apiKey,
    url: new URL(`${baseUrl}/v1/telemetry/batch`).toString(),
    // a batch bigger than the buffer could never fill up, so it would only ever go by time
    maxBatchSize: Math.min(
      int('maxBatchSize', options.maxBatchSize, 100, 1, MAX_BATCH_SIZE),
      maxBufferSize,
    ),
    flushIntervalMs: int('flushIntervalMs', options.flushIntervalMs, 1000, 1),
    maxBufferSize,
    maxRetries: int('maxRetries', options.maxRetries, 3, 0),
    baseBackoffMs: int('baseBackoffMs', options.baseBackoffMs, 200, 0),
    maxBackoffMs: int('maxBackoffMs', options.maxBackoffMs, 10_000, 0),
    requestTimeoutMs: int('requestTimeoutMs', options.requestTimeoutMs, 10_000, 1),
    closeTimeoutMs: int('closeTimeoutMs', options.closeTimeoutMs, 10_000, 0),
    logger: guarded(options.logger ?? consoleLogger),
    fetch: fetchImpl,
  }
}

function int(
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`@tessera/telemetry: ${name} must be an integer in [${min}, ${max}]`)
  }
  return value
}

/** A broken logger must not turn telemetry trouble into the caller's trouble. */
function guarded(logger: TelemetryLogger): TelemetryLogger {
  const call = (
    level: keyof TelemetryLogger,
    message: string,
    details?: Record<string, unknown>,
  ) => {
    try {
      if (details) logger[level](message, details)
      else logger[level](message)
    } catch {
      // nowhere left to report it
    }
  }
  return {
    warn: (message, details) => call('warn', message, details),
    error: (message, details) => call('error', message, details),
  }
}
