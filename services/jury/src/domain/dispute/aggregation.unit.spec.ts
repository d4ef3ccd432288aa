import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { aggregate, trimPerSide } from './aggregation.ts'

const pct = fc.integer({ min: 0, max: 100 })
const votesOf = (xs: number[]) =>
  xs.map((releasePercentage, i) => ({ judgeId: `j${i}`, releasePercentage }))
const verdict = (xs: number[]) => aggregate(votesOf(xs)).median

describe('trimmed median', () => {
  it("is the reference's worked example: [55, 60, 65, 60, 70] → drop 55 and 70 → median 60", () => {
    const a = aggregate(votesOf([55, 60, 65, 60, 70]))
    expect(a.sorted.map((v) => v.releasePercentage)).toEqual([55, 60, 60, 65, 70])
    expect(a.trimPerSide).toBe(1)
    expect(a.dropped).toEqual(['j0', 'j4'])
    expect(a.median).toBe(60)
  })

  it('drops floor(n * 0.2) at each end', () => {
    expect([3, 4, 5, 9, 10, 11, 15].map(trimPerSide)).toEqual([0, 0, 1, 1, 2, 2, 3])
  })

  it('takes the mean of the two middle votes when an even number is left', () => {
    expect(verdict([10, 20, 30, 40])).toBe(25)
  })

  it('is order-independent: any permutation of the votes gives the same steps', () => {
    fc.assert(
      fc.property(fc.array(pct, { minLength: 1, maxLength: 15 }), fc.integer(), (xs, seed) => {
        const votes = votesOf(xs)
        const shuffled = fc.sample(
          fc.shuffledSubarray(votes, { minLength: votes.length, maxLength: votes.length }),
          { seed, numRuns: 1 },
        )[0]!
        expect(aggregate(shuffled)).toEqual(aggregate(votes))
      }),
    )
  })

  it('lies within the range of the honest votes when at most floor(n*0.2) judges are captured', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 15 }).chain((n) =>
          fc.tuple(
            fc.array(pct, { minLength: n - trimPerSide(n), maxLength: n - trimPerSide(n) }),
            fc.array(fc.oneof(fc.constant(0), fc.constant(100), pct), {
              minLength: 0,
              maxLength: trimPerSide(n),
            }),
          ),
        ),
        ([honest, captured]) => {
          const v = verdict([...honest, ...captured])
          expect(v).toBeGreaterThanOrEqual(Math.min(...honest))
          expect(v).toBeLessThanOrEqual(Math.max(...honest))
        },
      ),
      { numRuns: 2000 },
    )
  })

  // "One judge moved to any extreme never changes a five-judge verdict" is not true of the
  // median itself: with [10, 20, 30, 40, 50], moving the middle judge to 100 gives 40. What holds,
  // and what these two properties state, is (a) a judge already outside the kept range pushed
  // further out changes nothing, and (b) one judge moved anywhere keeps the verdict between the
  // second-lowest and second-highest of the original votes: no single judge decides the outcome.
  it('the median judge moved to an extreme does move it, within the 2nd..4th votes', () => {
    expect(verdict([10, 20, 100, 40, 50])).toBe(40)
  })

  it('(a) a trimmed judge moved to its own extreme never changes a five-judge verdict', () => {
    fc.assert(
      fc.property(fc.array(pct, { minLength: 5, maxLength: 5 }), fc.boolean(), (xs, top) => {
        const a = aggregate(votesOf(xs))
        const moved = Number((top ? a.dropped[1] : a.dropped[0])!.slice(1))
        const ys = xs.map((x, i) => (i === moved ? (top ? 100 : 0) : x))
        expect(verdict(ys)).toBe(a.median)
      }),
      { numRuns: 2000 },
    )
  })

  it('(b) one judge moved to any value keeps a five-judge verdict within the 2nd..4th votes', () => {
    fc.assert(
      fc.property(
        fc.array(pct, { minLength: 5, maxLength: 5 }),
        fc.integer({ min: 0, max: 4 }),
        fc.oneof(fc.constant(0), fc.constant(100), pct),
        (xs, who, to) => {
          const s = [...xs].sort((p, q) => p - q)
          const v = verdict(xs.map((x, i) => (i === who ? to : x)))
          expect(v).toBeGreaterThanOrEqual(s[1]!)
          expect(v).toBeLessThanOrEqual(s[3]!)
        },
      ),
      { numRuns: 2000 },
    )
  })
})
