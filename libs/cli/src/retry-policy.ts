import { parseRetryAfter as readRetryAfter } from '@tessera/telemetry'

/** Tries per request, the first included: enough to ride out a restart, few enough to give up. */
export const MAX_ATTEMPTS = 4
/** A server asking for longer than this is not waited for in a CLI run. */
export const MAX_RETRY_DELAY_MS = 60_000
const BASE_BACKOFF_MS = 500

/** 429 is safe to retry (nothing was stored); 5xx and network errors, on the spec's terms. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500
}

/**
 * How long to wait before retry number `attempt` (1 = the first retry). `Retry-After`, in
 * seconds or as an HTTP date, wins when present; otherwise the wait doubles each time.
 */
export function retryDelayMs(attempt: number, retryAfter: string | null, now: number): number {
  const asked = parseRetryAfter(retryAfter, now)
  const delay = asked ?? BASE_BACKOFF_MS * 2 ** (attempt - 1)
  return Math.min(Math.max(delay, 0), MAX_RETRY_DELAY_MS)
}

/** `Retry-After` in ms, null when absent or unreadable: the telemetry SDK's reading of it. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  return readRetryAfter(value, now) ?? null
}
