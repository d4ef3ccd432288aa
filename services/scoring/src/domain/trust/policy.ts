import type { TrustPolicy, TrustProfile } from '@tessera/contracts'

/**
 * The buyer's trust policy, after the reference's `meetsTransactionTrustPolicy`: the preset of
 * the trade's value tier, overlaid by the fields the buyer sends. Pure: `now` is passed in.
 */
export interface PolicyPreset {
  minCompositeScore: number
  minCapabilityTaskCount: number
  minBondTier: number
  minFulfillmentRate90d: number
  maxDaysInactive: number
}

/** The reference's thresholds, and its stricter ones above $5,000. */
export const STANDARD_PRESET: PolicyPreset = {
  minCompositeScore: 800,
  minCapabilityTaskCount: 100,
  minBondTier: 1,
  minFulfillmentRate90d: 0.9,
  maxDaysInactive: 14,
}
export const HIGH_VALUE_PRESET: PolicyPreset = {
  minCompositeScore: 900,
  minCapabilityTaskCount: 1000,
  minBondTier: 3,
  minFulfillmentRate90d: 0.98,
  maxDaysInactive: 14,
}
/** Above this value (µUSDC) the high-value preset applies; configurable (SCORING_HIGH_VALUE_MICRO). */
export const DEFAULT_HIGH_VALUE_MICRO = 5_000_000_000n

export interface PolicyResult {
  approved: boolean
  reasons: string[]
  preset: 'standard' | 'high_value'
}

export function evaluatePolicy(
  profile: TrustProfile,
  policy: TrustPolicy,
  now: Date,
  highValueMicro: bigint = DEFAULT_HIGH_VALUE_MICRO,
): PolicyResult {
  const preset =
    policy.amount !== undefined && BigInt(policy.amount) > highValueMicro
      ? 'high_value'
      : 'standard'
  const base = preset === 'high_value' ? HIGH_VALUE_PRESET : STANDARD_PRESET
  const p = {
    minCompositeScore: policy.minCompositeScore ?? base.minCompositeScore,
    minCapabilityTaskCount: policy.minCapabilityTaskCount ?? base.minCapabilityTaskCount,
    minBondTier: policy.minBondTier ?? base.minBondTier,
    minFulfillmentRate90d: policy.minFulfillmentRate90d ?? base.minFulfillmentRate90d,
    maxDaysInactive: policy.maxDaysInactive ?? base.maxDaysInactive,
  }
  const reasons: string[] = []
  if (profile.certificationLevel === 'revoked') reasons.push('Agent is revoked')
  if (profile.compositeScore < p.minCompositeScore)
    reasons.push(`Score ${profile.compositeScore} below threshold ${p.minCompositeScore}`)
  if (policy.capability !== undefined) {
    const pact = profile.pacts.find(
      (x) => x.capability === policy.capability && x.taskCount >= p.minCapabilityTaskCount,
    )
    if (!pact)
      reasons.push(
        `No verified pact for capability: ${policy.capability} with at least ${p.minCapabilityTaskCount} tasks`,
      )
  }
  if (profile.bondTier < p.minBondTier)
    reasons.push(
      p.minBondTier <= 1
        ? 'Agent is not bonded'
        : `Bond tier ${profile.bondTier} below ${p.minBondTier}`,
    )
  if (profile.fulfillmentRate90d < p.minFulfillmentRate90d)
    reasons.push(
      `90d fulfillment rate ${profile.fulfillmentRate90d} below ${p.minFulfillmentRate90d}`,
    )
  const last = profile.lastActiveAt === null ? null : Date.parse(profile.lastActiveAt)
  const days = last === null ? Infinity : (now.getTime() - last) / 86_400_000
  if (days > p.maxDaysInactive)
    reasons.push(
      last === null
        ? 'Agent has no recorded activity'
        : `Agent inactive for ${days.toFixed(0)} days`,
    )
  if (policy.rejectAnomalies) {
    if (profile.anomalyFlags.length > 0)
      reasons.push(`Agent has ${profile.anomalyFlags.length} flagged trades`)
    if (profile.buyerReputation.frivolousDisputeFlag)
      reasons.push('Agent is flagged for frivolous disputes')
  }
  return { approved: reasons.length === 0, reasons, preset }
}
