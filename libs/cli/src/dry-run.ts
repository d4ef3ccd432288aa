import { validateArdenEvent } from '@tessera/contracts'
import { emptyReport, withLine } from './send-report.ts'
import type { SendReport } from './send-report.ts'

/**
 * Stands in for the user of an API key in a dry run. The server fills a missing `user` from
 * the key; which user that is, only the server knows, and any valid ULID validates the same.
 */
export const PLACEHOLDER_KEY_USER = '00000000000000000000000000'

/**
 * Validates every event with the server's own rules ({@link validateArdenEvent}), so a dry
 * run finds exactly what the server would reject, `unknown_agent` aside.
 */
export function dryRun(
  events: readonly unknown[],
  options: { apiKeyConfigured: boolean; lines?: readonly number[] },
): SendReport {
  const report = emptyReport(true)
  const tokenUser = options.apiKeyConfigured ? PLACEHOLDER_KEY_USER : undefined
  events.forEach((event, index) => {
    const check = validateArdenEvent(event, tokenUser)
    if (check.ok) {
      report.accepted++
      return
    }
    report.rejected++
    report.rejections.push(
      withLine({ index, error: check.error, message: check.message }, options.lines),
    )
  })
  report.total = events.length
  report.notes.push(
    "unknown_agent is not checked in a dry run: it needs the server's agent registry",
  )
  if (options.apiKeyConfigured) {
    report.notes.push(
      'an API key is configured: events without `user` are validated as if the server filled it from the key',
    )
  }
  return report
}
