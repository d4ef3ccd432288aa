/**
 * Every fee's rounding rule (docs/escrow.md). Amounts are integer µUSDC; each rule rounds
 * down, so the platform never takes more than its rate and no micro-unit is lost: what the fee
 * does not take stays with the parties.
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

export function releaseSplit(amount: bigint): Split {
  const fee = (amount * RELEASE_FEE_PER_MILLE) / 1000n
  return { sellerAmount: amount - fee, buyerAmount: 0n, fee }
}

/** A percentage (up to two decimals) as basis points; more decimals round to the nearest. */
const basisPoints = (percentage: number) => BigInt(Math.round(percentage * 100))

/**
 * A verdict: the 1% fee comes off the total first; the seller gets
 * `floor(rest × percentage / 100)`, the buyer the remainder of the rest.
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
