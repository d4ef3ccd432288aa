import type { TelemetryBatchResponse } from '@tessera/contracts'
import { parseRetryAfter } from './retry.policy.ts'

/** What one POST of a batch came to, as far as the retry loop cares. */
export type AttemptResult =
  | { kind: 'accepted'; accepted: number }
  | { kind: 'partial'; accepted: number; rejected: number; firstRejection?: string }
  | { kind: 'retryable'; reason: string; retryAfterMs?: number }
  | { kind: 'permanent'; status: number; reason: string }
  /** The client is shutting down and cut the attempt short. */
  | { kind: 'aborted' }

export interface BatchRequest {
  url: string
  apiKey: string
  /** The exact JSON body; a retry sends the very same text. */
  body: string
  events: number
  fetch: typeof fetch
  timeoutMs: number
  /** Aborted when the client gives up on everything (close timed out). */
  stop: AbortSignal
}

/** One attempt at delivering a batch; never throws. */
export async function postBatch(req: BatchRequest): Promise<AttemptResult> {
  if (req.stop.aborted) return { kind: 'aborted' }
  const signal = AbortSignal.any([req.stop, AbortSignal.timeout(req.timeoutMs)])
  // an injected fetch may ignore the signal; the deadline must hold all the same
  const abandoned = new Promise<never>((_resolve, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true })
  })
  let response: Response
  let text: string
  try {
    const pending = req.fetch(req.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${req.apiKey}`, 'content-type': 'application/json' },
      body: req.body,
      signal,
    })
    response = await Promise.race([pending, abandoned])
    // the body is read under the same deadline: a server that stalls mid-body is as slow as one
    // that never answers
    text = await Promise.race([response.text(), abandoned])
  } catch (err) {
    if (req.stop.aborted) return { kind: 'aborted' }
    if (signal.aborted) return { kind: 'retryable', reason: `no answer within ${req.timeoutMs} ms` }
    return { kind: 'retryable', reason: `network error: ${describe(err)}` }
  }
  return classify(response, text, req.events)
}

function classify(response: Response, text: string, events: number): AttemptResult {
  const { status } = response
  const body = summarize(text)
  if (status === 200 || status === 207) {
    const rejected = body.rejectedCount ?? 0
    const accepted = body.acceptedCount ?? events - rejected
    if (status === 200 && rejected === 0) return { kind: 'accepted', accepted }
    return {
      kind: 'partial',
      accepted,
      rejected,
      ...(body.firstRejection ? { firstRejection: body.firstRejection } : {}),
    }
  }
  if (status === 429 || status === 503) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'))
    return {
      kind: 'retryable',
      reason: `HTTP ${status}`,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    }
  }
  if (status >= 500) return { kind: 'retryable', reason: `HTTP ${status}` }
  return { kind: 'permanent', status, reason: `HTTP ${status}${detail(body, text)}` }
}

interface BodySummary {
  acceptedCount?: number
  rejectedCount?: number
  firstRejection?: string
  message?: string
}

/** What the client uses of a response body, read defensively: it may be anything, or nothing. */
function summarize(text: string): BodySummary {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return {}
  }
  if (typeof parsed !== 'object' || parsed === null) return {}
  const body = parsed as Partial<TelemetryBatchResponse> & { message?: unknown; error?: unknown }
  const count = (v: unknown) =>
    Number.isInteger(v) && (v as number) >= 0 ? (v as number) : undefined
  const first: unknown = Array.isArray(body.rejected) ? body.rejected[0] : undefined
  const message = typeof body.message === 'string' ? body.message : body.error
  const summary: BodySummary = {}
  const accepted = count(body.acceptedCount)
  const rejected = count(body.rejectedCount)
  if (accepted !== undefined) summary.acceptedCount = accepted
  if (rejected !== undefined) summary.rejectedCount = rejected
  if (typeof first === 'object' && first !== null) {
    const r = first as Partial<TelemetryBatchResponse['rejected'][number]>
    summary.firstRejection = `#${String(r.index)} ${String(r.code)}: ${String(r.message)}`
  }
  if (typeof message === 'string') summary.message = message
  return summary
}

/** The most useful part of an error body, for the one log line a dropped batch gets. */
function detail(body: BodySummary, text: string): string {
  if (body.firstRejection) {
    return ` (${body.rejectedCount ?? 1} rejected; first ${body.firstRejection})`
  }
  if (body.message) return `: ${body.message}`
  const trimmed = text.trim().slice(0, 200)
  return trimmed ? `: ${trimmed}` : ''
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err)
  // undici hides the socket-level reason (ECONNRESET, "other side closed") in `cause`
  const cause = err.cause instanceof Error ? ` (${err.cause.message})` : ''
  return `${err.message}${cause}`
}
