import type { Aggregation } from '@tessera/contracts'

/** Share of the votes dropped at each end: 20%, as the reference's jury does. */
export const TRIM_SHARE = 0.2

/** Votes dropped at each end of `n`: `floor(n * 0.2)` (5 → 1, 9 → 1, 10 → 2, 11 → 2, 4 → 0). */
export const trimPerSide = (n: number) => Math.floor(n * TRIM_SHARE)

export interface CountedVote {
  judgeId: string
  releasePercentage: number
}

/**
 * The trimmed median: sort the votes (by percentage, then judge id, so ties are ordered the same
 * whatever order they came in), drop `floor(n * 0.2)` at each end, take the median of the rest
 * (the mean of the two middle votes when an even number is left). Every step is returned.
 */
export function aggregate(votes: readonly CountedVote[]): Aggregation {
  if (votes.length === 0) throw new Error('no votes to aggregate')
  const sorted = [...votes]
    .map((v) => ({ judgeId: v.judgeId, releasePercentage: v.releasePercentage }))
    .sort(
      (a, b) =>
        a.releasePercentage - b.releasePercentage ||
        (a.judgeId < b.judgeId ? -1 : a.judgeId > b.judgeId ? 1 : 0),
    )
  const k = trimPerSide(sorted.length)
  const kept = sorted.slice(k, sorted.length - k)
  const dropped = [...sorted.slice(0, k), ...sorted.slice(sorted.length - k)]
  const mid = Math.floor(kept.length / 2)
  const median =
    kept.length % 2 === 1
      ? kept[mid]!.releasePercentage
      : (kept[mid - 1]!.releasePercentage + kept[mid]!.releasePercentage) / 2
  return {
    rule: 'trimmed-median-20',
    sorted,
    trimPerSide: k,
    dropped: dropped.map((v) => v.judgeId),
    kept: kept.map((v) => v.judgeId),
    median,
    keptMin: kept[0]!.releasePercentage,
    keptMax: kept.at(-1)!.releasePercentage,
  }
}

/** Whether a vote fell inside the kept range: the judge record's coherence. */
export const isCoherent = (a: Aggregation, releasePercentage: number) =>
  releasePercentage >= a.keptMin && releasePercentage <= a.keptMax
