/**
 * The bond's numbers, in one place (docs/bonds.md says the same). Money is µUSDC as `bigint`.
 */

const USDC = 1_000_000n

/** Tier n needs at least `BOND_TIERS[n - 1]` bonded; below the first, tier 0 (no bond). */
export const BOND_TIERS: readonly bigint[] = [
  100n * USDC, // tier 1
  1_000n * USDC, // tier 2
  10_000n * USDC, // tier 3
  100_000n * USDC, // tier 4
]

/** The tier a bond of `amount` µUSDC earns. */
export function tierOf(amount: bigint): number {
  return BOND_TIERS.filter((min) => amount >= min).length
}

/** The most one post may bond (as a credit): 10^15 µUSDC, one billion USDC. */
export const MAX_BOND_POST = 10n ** 15n

/** Three missed deadlines as seller within 90 days (by their `missedAt`) are one breach. */
export const DEADLINE_RULE = {
  name: 'deadlines_missed_3_in_90d',
  strikes: 3,
  windowMs: 90 * 24 * 60 * 60 * 1000,
} as const

/** A breach slashes 10% of the bond, rounded down to the µUSDC, at least 1 µUSDC. */
export const SLASH_SHARE_PERCENT = 10n

export function slashAmount(bond: bigint): bigint {
  if (bond <= 0n) return 0n
  const share = (bond * SLASH_SHARE_PERCENT) / 100n
  return share > 0n ? share : 1n
}

/** A bond may be withdrawn only this long after its last post (docs/bonds.md). */
export const WITHDRAWAL_COOLDOWN_MS = 30 * 24 * 60 * 60 * 1000
