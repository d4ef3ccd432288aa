import { compileCondition, evaluate } from '@tessera/conditions'
import { completionDocument } from '@tessera/settlement'
import type { EvidencePackage } from './evidence.ts'
import type { JudgeAnswer } from './prompt.ts'

/** A condition the compiler refuses (over budget) counts as not holding. */
function holds(when: Parameters<typeof compileCondition>[0], doc: unknown): boolean {
  try {
    return evaluate(compileCondition(when), doc)
  } catch {
    return false
  }
}

/** What the `rules` provider calls its model: labelled on every vote and verdict. */
export const RULES_MODEL = 'deliverable-conditions-v1'

/**
 * The deterministic judge: scores the deliverable against the pact's `deliverable` conditions
 * with libs/conditions, on the completion document escrow's automated verification reads too
 * (@tessera/settlement's `completionDocument`; `metadata` is the execution metrics). It reads no free text — claim, response and deliverable prose cannot move it — so
 * it is the offline default and the injection-proof seat. releasePercentage is the share of
 * conditions that hold, rounded to an integer; with no condition results at all it falls back
 * to escrow's recorded results, and with neither it votes 50 (nothing to score).
 */
export function rulesJudge(p: EvidencePackage): JudgeAnswer {
  const conditions = (p.pact?.terms.conditions ?? []).filter((c) => c.kind === 'deliverable')
  let results: { name: string; passed: boolean }[]
  if (p.deliverable === null || p.deliverable === undefined) {
    return {
      scopeMet: 'no',
      qualityMet: false,
      releasePercentage: 0,
      reasoning: 'No deliverable was submitted, so no condition of the pact can hold.',
    }
  }
  if (conditions.length > 0) {
    const doc = completionDocument({
      deliverable: p.deliverable,
      completionTimeUtc: p.completion?.completionTimeUtc,
      executionMetrics: p.completion?.executionMetrics,
    })
    results = conditions.map((c) => ({ name: c.name, passed: holds(c.when, doc) }))
  } else {
    results = p.conditionResults
  }
  if (results.length === 0) {
    return {
      scopeMet: 'partial',
      qualityMet: false,
      releasePercentage: 50,
      reasoning: 'The pact has no deliverable conditions to score: an even split.',
    }
  }
  const held = results.filter((r) => r.passed)
  const share = Math.round((100 * held.length) / results.length)
  return {
    scopeMet: held.length === results.length ? 'yes' : held.length === 0 ? 'no' : 'partial',
    qualityMet: held.length === results.length,
    releasePercentage: share,
    reasoning:
      `${held.length} of ${results.length} deliverable conditions hold` +
      (held.length < results.length
        ? `; failing: ${results
            .filter((r) => !r.passed)
            .map((r) => r.name)
            .join(', ')}.`
        : '.'),
  }
}
