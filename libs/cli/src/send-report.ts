import type { ArdenResponse } from '@tessera/contracts'
import { EXIT } from './cli-error.ts'
import type { ExitCode } from './cli-error.ts'

/** One rejected event, by its index in the input (and its NDJSON line). */
export interface Rejection {
  index: number
  line?: number
  error: string
  /** Only a dry run knows why; the server answers with the code alone. */
  message?: string
}

/** A request that failed as a whole, or was never made: input indices `from`..`to` inclusive. */
export interface RequestFailure {
  from: number
  to: number
  status?: number
  code: string
  message: string
}

export interface SendReport {
  dryRun: boolean
  total: number
  accepted: number
  rejected: number
  notSent: number
  rejections: Rejection[]
  failures: RequestFailure[]
  eventIds: Array<{ index: number; eventId: string }>
  notes: string[]
}

/** What became of one chunk of events: the server's answer, a failed request, or no request. */
export type ChunkOutcome =
  | { kind: 'answered'; offset: number; size: number; response: ArdenResponse }
  | { kind: 'failed'; offset: number; size: number; status?: number; code: string; message: string }
  | { kind: 'skipped'; offset: number; size: number }

/** Why the server's answer for a chunk cannot be trusted, or null when it adds up. */
export function responseProblem(response: ArdenResponse, size: number): string | null {
  if (response.accepted_count + response.rejected_count !== size) {
    return `counts ${response.accepted_count} + ${response.rejected_count} for ${size} events`
  }
  if (response.rejected.length !== response.rejected_count) return 'rejected list and count differ'
  if (response.event_ids.length !== response.accepted_count) return 'event_ids and count differ'
  const indices = new Set(response.rejected.map((r) => r.index))
  if (indices.size !== response.rejected.length) return 'an index is rejected twice'
  if ([...indices].some((i) => i < 0 || i >= size)) return 'a rejected index is out of range'
  return null
}

/** Turns per-chunk answers into one report in input order, request indices made input indices. */
export function aggregateOutcomes(
  outcomes: readonly ChunkOutcome[],
  lines?: readonly number[],
): SendReport {
  const report = emptyReport(false)
  for (const outcome of [...outcomes].sort((a, b) => a.offset - b.offset)) {
    report.total += outcome.size
    const range = { from: outcome.offset, to: outcome.offset + outcome.size - 1 }
    if (outcome.kind === 'skipped') {
      report.notSent += outcome.size
      report.failures.push({
        ...range,
        code: 'not_sent',
        message: 'not sent: stopped after an earlier request failed',
      })
      continue
    }
    if (outcome.kind === 'failed') {
      report.notSent += outcome.size
      const { status, code, message } = outcome
      report.failures.push({ ...range, ...(status === undefined ? {} : { status }), code, message })
      continue
    }
    const { response } = outcome
    report.accepted += response.accepted_count
    report.rejected += response.rejected_count
    const rejectedHere = new Set<number>()
    for (const r of [...response.rejected].sort((a, b) => a.index - b.index)) {
      rejectedHere.add(r.index)
      report.rejections.push(withLine({ index: outcome.offset + r.index, error: r.error }, lines))
    }
    // event_ids are the accepted events' ids, in request order: pair them with the rest
    const ids = response.event_ids.values()
    for (let i = 0; i < outcome.size; i++) {
      if (rejectedHere.has(i)) continue
      const eventId = ids.next().value
      if (eventId !== undefined) report.eventIds.push({ index: outcome.offset + i, eventId })
    }
  }
  if (report.failures.length > 0 && report.accepted + report.rejected > 0) {
    report.notes.push(
      'the server does not deduplicate: resend only the events that were not sent, not the whole input',
    )
  }
  return report
}

export function emptyReport(dryRun: boolean): SendReport {
  return {
    dryRun,
    total: 0,
    accepted: 0,
    rejected: 0,
    notSent: 0,
    rejections: [],
    failures: [],
    eventIds: [],
    notes: [],
  }
}

export function withLine(rejection: Rejection, lines?: readonly number[]): Rejection {
  const line = lines?.[rejection.index]
  return line === undefined ? rejection : { ...rejection, line }
}

/** A failed request outranks rejected events: the outcome of some events is then unknown. */
export function exitCodeOf(report: SendReport): ExitCode {
  if (report.failures.length > 0) return EXIT.failure
  if (report.rejected > 0) return EXIT.rejected
  return EXIT.ok
}
