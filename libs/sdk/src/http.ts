import type { Page } from '@tessera/contracts'
import { NetworkError, TesseraError, errorFromResponse } from './errors.ts'

export type Query = Record<string, string | number | boolean | undefined>

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** Starts with `/`; path parameters already encoded (see {@link segment}). */
  path: string
  /** Undefined values are left out. */
  query?: Query
  /** Sent as JSON; no body (and no content-type) when undefined. */
  body?: unknown
}

export interface HttpConfig {
  baseUrl: string
  /** null: no `Authorization` header (the public trust routes, `trustOracle`). */
  apiKey: string | null
  timeoutMs: number
  fetch: typeof fetch
}

/**
 * Sends JSON requests to guardian and turns every failure into a {@link TesseraError}. The
 * resources are thin over this, so a new resource is one file that calls `request`.
 */
export class HttpClient {
  constructor(private readonly config: HttpConfig) {}

  async request<T>(req: HttpRequest): Promise<T> {
    const url = this.url(req)
    const headers: Record<string, string> = { accept: 'application/json' }
    if (this.config.apiKey !== null) headers['authorization'] = `Bearer ${this.config.apiKey}`
    if (req.body !== undefined) headers['content-type'] = 'application/json'
    // One deadline for the whole exchange, body included: a server that sends headers and then
    // stalls must not hang the caller.
    const signal = AbortSignal.timeout(this.config.timeoutMs)
    let status: number
    let text: string
    try {
      const res = await this.config.fetch(url, {
        method: req.method,
        headers,
        body: req.body === undefined ? null : JSON.stringify(req.body),
        signal,
      })
      status = res.status
      text = await res.text()
    } catch (err) {
      throw this.networkError(err, req, signal)
    }
    const body = parseJson(text)
    if (status < 200 || status >= 300) throw errorFromResponse(status, body)
    if (status === 204) return undefined as T
    if (body === undefined) {
      throw new TesseraError('INVALID_RESPONSE', `${req.method} ${req.path}: answer is not JSON`, {
        status,
        details: { body: text.slice(0, 200) },
      })
    }
    return body as T
  }

  private url(req: HttpRequest): string {
    const params = new URLSearchParams()
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) params.set(key, String(value))
    }
    const qs = params.size > 0 ? `?${params.toString()}` : ''
    return `${this.config.baseUrl}${req.path}${qs}`
  }

  private networkError(err: unknown, req: HttpRequest, signal: AbortSignal): NetworkError {
    const what = `${req.method} ${req.path}`
    if (signal.aborted) {
      return new NetworkError(
        'NETWORK_ERROR',
        `${what}: no answer within ${String(this.config.timeoutMs)} ms`,
        { details: { reason: 'timeout', timeoutMs: this.config.timeoutMs }, cause: err },
      )
    }
    // undici hides the socket error (ECONNREFUSED, ECONNRESET, ENOTFOUND) in `cause`
    const cause = err instanceof Error ? err.cause : undefined
    const sysCode =
      typeof cause === 'object' &&
      cause !== null &&
      'code' in cause &&
      typeof cause.code === 'string'
        ? cause.code
        : undefined
    const reason = sysCode ?? (err instanceof Error ? err.message : String(err))
    return new NetworkError('NETWORK_ERROR', `${what}: ${reason}`, {
      details: { reason },
      cause: err,
    })
  }
}

export type { Page }

/** Every item of `list`, page after page, fetching the next page only when needed. */
export async function* paginate<T>(
  list: (cursor: string | undefined) => Promise<Page<T>>,
): AsyncGenerator<T> {
  let cursor: string | undefined
  do {
    const page = await list(cursor)
    yield* page.items
    cursor = page.nextCursor ?? undefined
  } while (cursor !== undefined)
}

/** A path parameter, percent-encoded so an id can never change the route. */
export function segment(value: string): string {
  return encodeURIComponent(value)
}

function parseJson(text: string): unknown {
  if (text === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}
