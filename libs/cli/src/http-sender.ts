import { ArdenResponse } from '@tessera/contracts'
import type { Chunk } from './event-file.ts'
import { isRetryableStatus, MAX_ATTEMPTS, retryDelayMs } from './retry-policy.ts'
import { responseProblem } from './send-report.ts'
import type { ChunkOutcome } from './send-report.ts'

export interface SenderOptions {
  /** The full endpoint, e.g. `http://localhost:8080/api/events`. */
  endpoint: string
  apiKey?: string
  fetch: typeof fetch
  sleep: (ms: number) => Promise<void>
  now: () => number
  concurrency?: number
  timeoutMs?: number
  onOutcome?(outcome: ChunkOutcome): void
  onRetry?(info: { chunk: Chunk; attempt: number; delayMs: number; reason: string }): void
}

const DEFAULT_CONCURRENCY = 4
const DEFAULT_TIMEOUT_MS = 30_000

/**
 * Sends each chunk as one request, a few at a time. After a request fails as a whole the rest
 * are not started (an expired key or a too-large body fails them all alike); those come back
 * as `skipped`, so the caller can say exactly which events were never sent.
 */
export async function sendChunks(
  chunks: readonly Chunk[],
  options: SenderOptions,
): Promise<ChunkOutcome[]> {
  const outcomes: ChunkOutcome[] = []
  let next = 0
  let stopped = false
  const worker = async (): Promise<void> => {
    while (!stopped) {
      const chunk = chunks[next++]
      if (chunk === undefined) return
      const outcome = await postChunk(chunk, options)
      if (outcome.kind === 'failed') stopped = true
      outcomes.push(outcome)
      options.onOutcome?.(outcome)
    }
  }
  const workers = Math.max(1, Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, chunks.length))
  await Promise.all(Array.from({ length: workers }, worker))
  for (const chunk of chunks.slice(next)) {
    outcomes.push({ kind: 'skipped', offset: chunk.offset, size: chunk.events.length })
  }
  return outcomes
}

async function postChunk(chunk: Chunk, options: SenderOptions): Promise<ChunkOutcome> {
  const where = { offset: chunk.offset, size: chunk.events.length }
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json',
  }
  if (options.apiKey) headers['authorization'] = `Bearer ${options.apiKey}`
  const body = JSON.stringify(chunk.events)

  for (let attempt = 1; ; attempt++) {
    const retry = async (reason: string, retryAfter: string | null): Promise<boolean> => {
      if (attempt >= MAX_ATTEMPTS) return false
      const delayMs = retryDelayMs(attempt, retryAfter, options.now())
      options.onRetry?.({ chunk, attempt, delayMs, reason })
      await options.sleep(delayMs)
      return true
    }

    let res: Response
    try {
      res = await options.fetch(options.endpoint, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      })
    } catch (err) {
      const reason = networkError(err)
      if (await retry(reason, null)) continue
      return {
        kind: 'failed',
        ...where,
        code: 'unreachable',
        message: `${options.endpoint}: ${reason} (${attempt} attempts)`,
      }
    }

    const text = await res.text().catch(() => '')
    if (isRetryableStatus(res.status)) {
      if (await retry(`HTTP ${res.status}`, res.headers.get('retry-after'))) continue
      return failed(where, res.status, text, ` (${attempt} attempts)`)
    }
    const answer = ArdenResponse.safeParse(parseJson(text))
    if ([200, 207, 400].includes(res.status) && answer.success) {
      const problem = responseProblem(answer.data, where.size)
      if (problem === null) return { kind: 'answered', ...where, response: answer.data }
      return {
        kind: 'failed',
        ...where,
        status: res.status,
        code: 'bad_response',
        message: problem,
      }
    }
    return failed(where, res.status, text, '')
  }
}

/** A whole-request error: the server's `{code, message}` when it sent one. */
function failed(
  where: { offset: number; size: number },
  status: number,
  text: string,
  suffix: string,
): ChunkOutcome {
  const body = parseJson(text)
  const field = (name: string): string | undefined => {
    if (typeof body !== 'object' || body === null) return undefined
    const value = (body as Record<string, unknown>)[name]
    return typeof value === 'string' ? value : undefined
  }
  const code = field('code') ?? `http_${status}`
  const message = (field('message') ?? (text.slice(0, 200) || 'no response body')) + suffix
  return { kind: 'failed', ...where, status, code, message }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

/** `fetch failed` says little; the cause (ECONNREFUSED, a timeout) says what happened. */
function networkError(err: unknown): string {
  if (!(err instanceof Error)) return String(err)
  if (err.name === 'TimeoutError') return 'request timed out'
  const cause = err.cause as { code?: unknown; message?: unknown } | undefined
  const detail = typeof cause?.code === 'string' ? cause.code : cause?.message
  return typeof detail === 'string' && detail !== '' ? `${err.message} (${detail})` : err.message
}
