/** The longest Retry-After honoured, so a misconfigured server cannot stall delivery for hours. */
export const MAX_RETRY_AFTER_MS = 60_000

export interface BackoffPolicy {
  baseMs: number
  capMs: number
}

/** Full-jitter backoff before the `retry`-th retry: uniform in [0, min(cap, base·2^(retry-1))). */
export function backoffDelay(
  retry: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, retry - 1))
  return Math.floor(random() * ceiling)
}

/** A `Retry-After` (delta-seconds or HTTP date) in ms; undefined when absent or unreadable. */
export function parseRetryAfter(
  value: string | null,
  now: number = Date.now(),
): number | undefined {
  if (value === null) return undefined
  const trimmed = value.trim()
  if (trimmed === '') return undefined
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed) * 1000, MAX_RETRY_AFTER_MS)
  // Date.parse takes '-1' or '1.5' for years; neither is a Retry-After
  if (/^[-+\d.\s]+$/.test(trimmed)) return undefined
  const at = Date.parse(trimmed)
  if (Number.isNaN(at)) return undefined
  return Math.min(Math.max(0, at - now), MAX_RETRY_AFTER_MS)
}

/** The pause before the next attempt: the jittered backoff, but never shorter than Retry-After. */
export function retryDelay(
  retry: number,
  policy: BackoffPolicy,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  return Math.max(retryAfterMs ?? 0, backoffDelay(retry, policy, random))
}

/** Resolves after `ms`, or as soon as `signal` aborts; the timer never keeps the process alive. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const done = (): void => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    timer.unref?.()
    signal.addEventListener('abort', done, { once: true })
  })
}
