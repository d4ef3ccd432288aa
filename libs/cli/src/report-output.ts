import type { RequestFailure, Rejection, SendReport } from './send-report.ts'

/** The human summary on stdout: one line, so scripts can still grep it. */
export function summaryLine(report: SendReport): string {
  const counts = `accepted ${report.accepted}, rejected ${report.rejected}`
  const notSent = report.notSent > 0 ? `, not sent ${report.notSent}` : ''
  return report.dryRun ? `dry run: ${counts} (nothing was sent)` : `${counts}${notSent}`
}

/** Everything wrong, in input order, one line each, for stderr. */
export function problemLines(report: SendReport): string[] {
  return [
    ...report.rejections.map(rejectionLine),
    ...report.failures.map(failureLine),
    ...report.notes.map((n) => `note: ${n}`),
  ]
}

export function rejectionLine(r: Rejection): string {
  const where = r.line === undefined ? `event ${r.index}` : `event ${r.index} (line ${r.line})`
  return r.message === undefined ? `${where}: ${r.error}` : `${where}: ${r.error}: ${r.message}`
}

/** `event 7`, or `events 100-199`: input indices, inclusive. */
export function eventRange(from: number, to: number): string {
  return from === to ? `event ${from}` : `events ${from}-${to}`
}

export function failureLine(f: RequestFailure): string {
  const events = eventRange(f.from, f.to)
  if (f.code === 'not_sent') return `${events}: ${f.message}`
  const status = f.status === undefined ? '' : `HTTP ${f.status} `
  return `${events}: request failed: ${status}${f.code}: ${f.message}`
}

/** The `--json` summary: snake_case, like the protocol's own responses. */
export function jsonSummary(report: SendReport, events?: readonly unknown[]): string {
  const summary = {
    dry_run: report.dryRun,
    total: report.total,
    accepted: report.accepted,
    rejected: report.rejected,
    not_sent: report.notSent,
    rejections: report.rejections,
    request_errors: report.failures,
    event_ids: report.eventIds.map((e) => ({ index: e.index, event_id: e.eventId })),
    notes: report.notes,
    ...(events === undefined ? {} : { events }),
  }
  return JSON.stringify(summary, null, 2)
}

/** `--print`: one event as an object, several as an array, as they are (or would be) sent. */
export function printedEvents(events: readonly unknown[]): string {
  return JSON.stringify(events.length === 1 ? events[0] : events, null, 2)
}
