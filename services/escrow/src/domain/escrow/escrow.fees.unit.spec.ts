import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { mutualSplit, releaseSplit, verdictSplit } from './escrow.fees.ts'

describe('fee rounding (docs/escrow.md): every fee rounds down, no micro-unit lost', () => {
  it('release: floor(0.5%)', () => {
    expect(releaseSplit(10_000_000n)).toEqual({
      sellerAmount: 9_950_000n,
      buyerAmount: 0n,
      fee: 50_000n,
    })
    expect(releaseSplit(199n).fee).toBe(0n)
    expect(releaseSplit(200n).fee).toBe(1n)
    expect(releaseSplit(399n).fee).toBe(1n)
  })

  it('verdict: floor(1%) off the total first, then floor of the seller’s share', () => {
    expect(verdictSplit(10_000_000n, 70)).toEqual({
      sellerAmount: 6_930_000n,
      buyerAmount: 2_970_000n,
      fee: 100_000n,
    })
    expect(verdictSplit(201n, 50)).toEqual({ sellerAmount: 99n, buyerAmount: 100n, fee: 2n })
    expect(verdictSplit(101n, 33.33)).toEqual({ sellerAmount: 33n, buyerAmount: 67n, fee: 1n })
  })

  it('mutual: the seller’s share pays floor(0.5%)', () => {
    expect(mutualSplit(10_000_000n, 40)).toEqual({
      sellerAmount: 3_980_000n,
      buyerAmount: 6_000_000n,
      fee: 20_000n,
    })
  })

  it('every split adds up to the amount, and no part is negative', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 15n }),
        fc.integer({ min: 0, max: 10_000 }),
        (amount, bps) => {
          for (const s of [
            releaseSplit(amount),
            verdictSplit(amount, bps / 100),
            mutualSplit(amount, bps / 100),
          ]) {
            expect(s.sellerAmount + s.buyerAmount + s.fee).toBe(amount)
            expect(s.sellerAmount >= 0n && s.buyerAmount >= 0n && s.fee >= 0n).toBe(true)
          }
        },
      ),
      { numRuns: 2000 },
    )
  })
})
