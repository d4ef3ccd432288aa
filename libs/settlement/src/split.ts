/**
 * The one split rule escrow settles with and jury's audit record shows (docs/escrow.md, "Fees").
 * Amounts are integer µUSDC; every step rounds down, so the platform never takes more than its
 * rate and no micro-unit is lost: what a fee or a share does not take goes to the other party.
 */

/** The release fee: 0.5% of the amount, rounded down (`floor(amount × 5 / 1000)`). */
export const RELEASE_FEE_PER_MILLE = 5n
/** The arbitration fee: 1% of the total, rounded down, taken before a verdict's split. */
export const ARBITRATION_FEE_PERCENT = 1n

export interface Split {
  sellerAmount: bigint
  buyerAmount: bigint
  fee: bigint
}

/**
 * A percentage as basis points. Verdicts are medians of votes in [0, 100], so they carry at
 * most one decimal (x.5) and are exact here; more than two decimals round to the nearest
 * basis point. Anything outside [0, 100] or not finite is a programming error.
 */
export function basisPoints(percentage: number): bigint {
  if (!Number.isFinite(percentage) || percentage < 0 || percentage > 100) {
    throw new RangeError(`releasePercentage must be within [0, 100], got ${percentage}`)
  }
  return BigInt(Math.round(percentage * 100))
}

/** A pass: the seller receives the amount less the 0.5% release fee. */
export function releaseSplit(amount: bigint): Split {
  const fee = (amount * RELEASE_FEE_PER_MILLE) / 1000n
  return { sellerAmount: amount - fee, buyerAmount: 0n, fee }
}

/**
 * A verdict: the 1% fee comes off the total first (floor); the seller gets
 * `floor(rest × bps / 10000)`, the buyer the remainder of the rest.
 */
export function verdictSplit(amount: bigint, releasePercentage: number): Split {
  const fee = (amount * ARBITRATION_FEE_PERCENT) / 100n
  const rest = amount - fee
  const sellerAmount = (rest * basisPoints(releasePercentage)) / 10_000n
  return { sellerAmount, buyerAmount: rest - sellerAmount, fee }
}

/**
 * Both parties agreed a split: no arbitration fee; the seller's share pays the 0.5% release
 * fee as a release would (`floor(share × 5 / 1000)`), the buyer gets the rest of the amount.
 */
export function mutualSplit(amount: bigint, releasePercentage: number): Split {
  const share = (amount * basisPoints(releasePercentage)) / 10_000n
  const fee = (share * RELEASE_FEE_PER_MILLE) / 1000n
  return { sellerAmount: share - fee, buyerAmount: amount - share, fee }
}
