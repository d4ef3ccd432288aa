import type { AttemptResult } from './batch.transport.ts'
import { postBatch } from './batch.transport.ts'
import { retryDelay, sleep } from './retry.policy.ts'
import type { ResolvedOptions } from './telemetry.options.ts'

export type DeliveryOptions = Pick<
  ResolvedOptions,
  'url' | 'apiKey' | 'fetch' | 'requestTimeoutMs' | 'maxRetries' | 'baseBackoffMs' | 'maxBackoffMs'
>

export interface Delivery {
  batchId: string
  /** Requests made, the first included. */
  attempts: number
  /** The last attempt's result; `retryable` here means the retries ran out. */
  result: AttemptResult
}

/**
 * Sends one batch until it settles. Every attempt carries the same batchId and the same bytes,
 * which is what lets the server acknowledge a retry without storing the batch twice.
 */
export async function deliverBatch(
  events: readonly string[],
  opts: DeliveryOptions,
  stop: AbortSignal,
  onRetry: () => void,
): Promise<Delivery> {
  const batchId = globalThis.crypto.randomUUID()
  const body = `{"batchId":${JSON.stringify(batchId)},"events":[${events.join(',')}]}`
  const policy = { baseMs: opts.baseBackoffMs, capMs: opts.maxBackoffMs }
  for (let attempts = 1; ; attempts++) {
    const result = await postBatch({
      url: opts.url,
      apiKey: opts.apiKey,
      body,
      events: events.length,
      fetch: opts.fetch,
      timeoutMs: opts.requestTimeoutMs,
      stop,
    })
    if (result.kind !== 'retryable' || attempts > opts.maxRetries) {
      return { batchId, attempts, result }
    }
    onRetry()
    await sleep(retryDelay(attempts, policy, result.retryAfterMs), stop)
  }
}
