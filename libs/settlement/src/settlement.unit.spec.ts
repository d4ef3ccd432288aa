import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { basisPoints, completionDocument, verdictSplit } from './index.ts'

describe('verdictSplit', () => {
  it('takes the 1% fee first, floors the seller, and gives the buyer the remainder', () => {
    expect(verdictSplit(1_000_000n, 62.5)).toEqual({
      fee: 10_000n,
      sellerAmount: 618_750n,
      buyerAmount: 371_250n,
    })
    expect(verdictSplit(99n, 100)).toEqual({ fee: 0n, sellerAmount: 99n, buyerAmount: 0n })
  })

  it('never creates or loses a micro-unit, and the seller share grows with the percentage', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        fc.integer({ min: 0, max: 199 }),
        (amount, half) => {
          const lo = verdictSplit(amount, half / 2)
          const hi = verdictSplit(amount, (half + 1) / 2)
          expect(lo.fee + lo.sellerAmount + lo.buyerAmount).toBe(amount)
          expect(lo.buyerAmount >= 0n && lo.sellerAmount >= 0n).toBe(true)
          expect(hi.sellerAmount >= lo.sellerAmount).toBe(true)
        },
      ),
    )
  })

  it('refuses a percentage outside [0, 100] rather than paying out more than the escrow', () => {
    for (const bad of [-0.01, 100.01, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => basisPoints(bad)).toThrow(RangeError)
    }
  })
})

describe('completionDocument', () => {
  it('names the execution metrics twice and fills what is missing', () => {
    const doc = completionDocument({ deliverable: { a: 1 }, completionTimeUtc: 'T' })
    expect(doc).toEqual({
      deliverable: { a: 1 },
      completionTimeUtc: 'T',
      executionMetrics: {},
      metadata: {},
    })
    expect(doc.metadata).toBe(doc.executionMetrics)
  })
})
