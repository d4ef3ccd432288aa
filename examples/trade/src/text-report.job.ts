import type { PactTerms } from '@tessera/sdk'
import type { TextReport, TextReportInput } from './trade-messages.ts'

const TOP = 5

/** The seller's job: deterministic, so the same text always gives the same deliverable hash. */
export function textReport(input: TextReportInput): TextReport {
  if (typeof input?.text !== 'string' || input.text.trim() === '') {
    throw new Error('the input has no text to report on')
  }
  const words = input.text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? []
  const counts = new Map<string, number>()
  for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1)
  const topWords = [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, TOP)
    .map(([word, count]) => ({ word, count }))
  const summary = (/^[^.!?]*[.!?]?/.exec(input.text.trim())?.[0] ?? '').trim()
  return { wordCount: words.length, uniqueWords: counts.size, topWords, summary }
}

/** What the pact asks of the deliverable; escrow checks these on the completion. */
export const TEXT_REPORT_CONDITIONS: PactTerms['conditions'] = [
  {
    kind: 'deliverable',
    name: 'word_count',
    when: { path: '/deliverable/wordCount', op: 'gte', value: 1 },
  },
  { kind: 'deliverable', name: 'summary', when: { path: '/deliverable/summary', op: 'exists' } },
  {
    kind: 'deliverable',
    name: 'self_audit',
    when: { path: '/metadata/selfAuditScore', op: 'gte', value: 0.9 },
  },
]

/**
 * The seller's self-audit before it submits: each section present and consistent with the
 * input. The score is the share of checks that hold.
 */
export function auditTextReport(
  report: TextReport,
  input: TextReportInput,
): { score: number; gaps: string[] } {
  const expected = textReport(input)
  const checks: [string, boolean][] = [
    ['wordCount', report.wordCount === expected.wordCount && report.wordCount > 0],
    ['uniqueWords', report.uniqueWords === expected.uniqueWords],
    ['topWords', JSON.stringify(report.topWords) === JSON.stringify(expected.topWords)],
    ['summary', typeof report.summary === 'string' && report.summary.length > 0],
  ]
  const gaps = checks.filter(([, ok]) => !ok).map(([name]) => name)
  return { score: (checks.length - gaps.length) / checks.length, gaps }
}
