import { z } from 'zod'

// Scoring's trust oracle (`GET /api/v1/trust/:id`, public by design), after the reference's
// layer 2 response, plus Tessera's model version, buyer-side reputation and anomaly flags.

/** The nine dimensions, 0–100 each. */
export const TRUST_DIMENSIONS = [
  'accuracy',
  'reliability',
  'safety',
  'security',
  'selfAudit',
  'latency',
  'scopeHonesty',
  'costEfficiency',
  'bondScore',
] as const
export type TrustDimension = (typeof TRUST_DIMENSIONS)[number]

export type CertificationLevel = 'unverified' | 'provisional' | 'verified' | 'revoked'

/** One capability the agent sold under a pact, with how those pacts' escrows ended. */
export interface TrustPact {
  /** The latest pact of this capability. */
  pactId: string
  capability: string
  /** When the first pact of this capability became active. */
  verifiedAt: string
  fulfillmentRate: number
  taskCount: number
}

/** How the agent behaves as a buyer: the reference's frivolous-dispute flag. */
export interface BuyerReputation {
  disputesFiled: number
  /** Disputes it filed that a verdict or both parties settled. */
  disputesResolved: number
  /** Share of the resolved ones whose settlement released more than 80% to the seller. */
  sellerFavouredShare: number
  /** More than 80% of at least 5 resolved disputes went the seller's way. */
  frivolousDisputeFlag: boolean
}

/** A trade the anomaly detector excluded, and why. */
export interface AnomalyFlag {
  escrowId: string
  counterpartyAgentId: string
  /** `same_org`, `high_frequency`, `uniform_amounts`, `zero_disputes`, `instant_completion`, `trade_cycle`. */
  signals: string[]
  /**
   * e.g. `{ trades: 47, days: 30, amountSpreadPerMille: 0, disputes: 0, medianCompletionSeconds: 2 }`,
   * with `cycleSharePerMille` when the edge is on a cycle of suspicious edges.
   */
  evidence: Record<string, number | string>
}

/** `GET /api/v1/trust/orgs/:orgId`: an org's score, and whether it is under review. */
export interface OrgTrustProfile {
  subjectKind: 'org'
  subjectId: string
  score: number
  modelVersion: string
  reasons: { code: string; weight: number; detail: string }[]
  updatedAt: string
  /** Some agent of the org has trades the anomaly detector flagged. */
  underReview: boolean
  flaggedAgentCount: number
  /** The first 100 of them, by id. */
  flaggedAgentIds: string[]
}

export interface TrustProfile {
  /** The agent's `did:key`, or `agent:<id>` when it registered no key. */
  agentId: string
  tesseraAgentId: string
  handle: string
  orgId: string
  compositeScore: number
  scoreBreakdown: Record<TrustDimension, number>
  certificationLevel: CertificationLevel
  bondTier: number
  bondAmountUsdc: number
  pacts: TrustPact[]
  fulfillmentRate90d: number
  tasksCompleted90d: number
  lastActiveAt: string | null
  memoryAttestations: number
  incidentCount90d: number
  scoreUpdatedAt: string
  modelVersion: string
  buyerReputation: BuyerReputation
  anomalyFlags: AnomalyFlag[]
  /** The agent's org has flagged trades: it is under review. */
  orgUnderReview: boolean
}

/** One event's part in a dimension. */
export interface TrustContribution {
  eventId: string
  eventType: string
  occurredAt: string
  /** The rule that gave the points (`deadline_missed`, …). */
  rule: string
  /** Points as recorded, before time weighting. */
  points: number
  /** Points after the 1-point weekly decay past the 7-day grace. */
  weight: number
}

export interface TrustExplanation {
  agentId: string
  modelVersion: string
  compositeScore: number
  /** Each dimension: base, the contributions, the value. */
  dimensions: Record<
    TrustDimension,
    { base: number; value: number; contributions: TrustContribution[] }
  >
  /** Composite weights, per mille, summing to 1000. */
  compositeWeights: Record<TrustDimension, number>
  /**
   * How a dimension's value follows from its contributions, so the explanation can be checked
   * from its JSON alone: value = clamp(min, max, base + min(positiveCap, Σ positive weights) +
   * Σ negative weights). A trade's positives already count at most `perBuyerCap` per buyer and
   * dimension (the rest are listed at weight 0). `bondScore` is 20 × the bond tier.
   */
  limits: { positiveCap: number; perBuyerCap: number; min: number; max: number }
  anomalyFlags: AnomalyFlag[]
  /** Events that were seen but count for nothing (flagged trades, stale evidence). */
  excluded: { eventId: string; reason: string }[]
}

/** The buyer's trust policy (`meetsTransactionTrustPolicy`); every field optional. */
export const TrustPolicy = z.strictObject({
  minCompositeScore: z.number().int().min(0).max(1000).optional(),
  capability: z.string().min(1).max(200).optional(),
  minCapabilityTaskCount: z.number().int().min(0).max(1_000_000).optional(),
  minBondTier: z.number().int().min(0).max(5).optional(),
  minFulfillmentRate90d: z.number().min(0).max(1).optional(),
  maxDaysInactive: z.number().int().min(0).max(3650).optional(),
  /** The trade's value in µUSDC: picks the preset tier (stricter above the high-value mark). */
  amount: z
    .string()
    .regex(/^\d{1,38}$/)
    .optional(),
  /** Refuse buyers flagged for frivolous disputes, and agents with flagged trades. */
  rejectAnomalies: z.boolean().optional(),
})
export type TrustPolicy = z.infer<typeof TrustPolicy>

export const EvaluateTrustBody = z.strictObject({ policy: TrustPolicy })
export type EvaluateTrustRequest = z.input<typeof EvaluateTrustBody>

export interface TrustEvaluation {
  approved: boolean
  /** Every check that failed (empty when approved); the preset is `preset`. */
  reasons: string[]
  /** `standard` or `high_value`: the preset the explicit fields were laid over. */
  preset: 'standard' | 'high_value'
  modelVersion: string
}
