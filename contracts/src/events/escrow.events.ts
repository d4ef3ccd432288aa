import { z } from 'zod'
import { AgentId } from './guardian.events.ts'
import { Ed25519SignatureHex, PactHash, PactId, PactParty, Sha256Hex } from './pact.events.ts'
import { MicroUnits } from './tenancy.events.ts'

// Escrow: funds locked against a pact's hash, released when its conditions are verified,
// refunded at the deadline, split by a verdict or by both parties when disputed
// (`../shared/reference/a2a-escrow-reference-architecture.txt`, layers 4 and 5). These are the
// events other services consume (jury, scoring, the pact's room); escrow may add its own.

export const EscrowId = z.string().regex(/^esc_[0-9a-z]{26}$/, 'must be an escrow id (esc_…)')
export const DisputeId = z.string().regex(/^dsp_[0-9a-z]{26}$/, 'must be a dispute id (dsp_…)')

const At = z.iso.datetime({ offset: true })

/** The buyer locked the pact's payment: a pending ledger transfer from its wallet. */
export const EscrowCreated = z.object({
  escrowId: EscrowId,
  pactId: PactId,
  conditionHash: PactHash,
  amount: MicroUnits,
  buyer: PactParty,
  seller: PactParty,
  arbiter: z.string().min(1).max(200),
  deadlineUtc: At,
  /** The ledger's pending transfer that holds the funds (the API's `txHash`). */
  transferId: z.string().min(1).max(100),
  network: z.literal('internal'),
  createdAt: At,
})
export type EscrowCreated = z.infer<typeof EscrowCreated>

/** One deliverable condition's result in automated verification. */
export const ConditionResult = z.object({
  name: z.string().min(1).max(100),
  passed: z.boolean(),
  detail: z.string().max(500).optional(),
})
export type ConditionResult = z.infer<typeof ConditionResult>

/** The seller submitted a signed completion, and automated verification judged it. */
export const CompletionSubmitted = z.object({
  escrowId: EscrowId,
  pactId: PactId,
  /** SHA-256 of the RFC 8785 JSON of the deliverable. */
  deliverableHash: Sha256Hex,
  deliverable: z.json(),
  completionTimeUtc: At,
  executionMetrics: z.record(z.string(), z.json()).optional(),
  sellerSignature: Ed25519SignatureHex,
  /** `pass`: every deliverable condition held; `partial`: some; `fail`: none held. */
  verification: z.enum(['pass', 'partial', 'fail']),
  results: z.array(ConditionResult),
  submittedAt: At,
})
export type CompletionSubmitted = z.infer<typeof CompletionSubmitted>

/** Verification passed: the seller got the amount less the 0.5% fee, in one linked posting. */
export const EscrowReleased = z.object({
  escrowId: EscrowId,
  pactId: PactId,
  amount: MicroUnits,
  sellerAmount: MicroUnits,
  fee: MicroUnits,
  releasedAt: At,
})
export type EscrowReleased = z.infer<typeof EscrowReleased>

/** The seller missed the deadline (after any grace): scoring penalises it. */
export const DeadlineMissed = z.object({
  escrowId: EscrowId,
  pactId: PactId,
  sellerAgentId: AgentId,
  deadlineUtc: At,
  /** Whether the 48 h grace was applied first (the seller was seen alive). */
  graceApplied: z.boolean(),
  missedAt: At,
})
export type DeadlineMissed = z.infer<typeof DeadlineMissed>

/**
 * The deadline came without a completion, but the seller was seen alive (a telemetry record)
 * between the escrow's creation and the deadline: the deadline moves once, by 48 h.
 */
export const EscrowDeadlineExtended = z.object({
  escrowId: EscrowId,
  pactId: PactId,
  sellerAgentId: AgentId,
  previousDeadlineUtc: At,
  deadlineUtc: At,
  sellerLastSeenAt: At,
  extendedAt: At,
})
export type EscrowDeadlineExtended = z.infer<typeof EscrowDeadlineExtended>

/** The funds went back to the buyer. */
export const EscrowRefunded = z.object({
  escrowId: EscrowId,
  pactId: PactId,
  amount: MicroUnits,
  reason: z.enum(['deadline_missed', 'verdict', 'mutual']),
  refundedAt: At,
})
export type EscrowRefunded = z.infer<typeof EscrowRefunded>

/** A dispute froze the escrow: raised by a party, or opened automatically on partial delivery. */
export const DisputeOpened = z.object({
  disputeId: DisputeId,
  escrowId: EscrowId,
  pactId: PactId,
  /** The agent that disputed, or `system` for automated verification's partial result. */
  disputedBy: z.union([AgentId, z.literal('system')]),
  reason: z.string().min(1).max(2000),
  evidence: z.array(z.json()).max(20),
  buyer: PactParty,
  seller: PactParty,
  amount: MicroUnits,
  openedAt: At,
})
export type DisputeOpened = z.infer<typeof DisputeOpened>

/** A disputed escrow was split: by a verdict (less the 1% arbitration fee) or by both parties. */
export const EscrowSettled = z.object({
  escrowId: EscrowId,
  pactId: PactId,
  disputeId: DisputeId.optional(),
  basis: z.enum(['verdict', 'mutual']),
  /** The verdict's round (1, or 2 for an appeal's, which replaced the first); none if mutual. */
  round: z.number().int().min(1).max(2).optional(),
  releasePercentage: z.number().min(0).max(100),
  sellerAmount: MicroUnits,
  buyerAmount: MicroUnits,
  fee: MicroUnits,
  settledAt: At,
})
export type EscrowSettled = z.infer<typeof EscrowSettled>

/**
 * A round-1 verdict that may still be appealed: escrow holds it and settles it at `settleAt`
 * (the verdict's `appealableUntil`) unless an appeal came first (docs/escrow.md, "Appeals").
 */
export const VerdictRecorded = z.object({
  escrowId: EscrowId,
  pactId: PactId,
  disputeId: DisputeId,
  round: z.literal(1),
  releasePercentage: z.number().min(0).max(100),
  settleAt: At,
  recordedAt: At,
})
export type VerdictRecorded = z.infer<typeof VerdictRecorded>

/**
 * Jury accepted an appeal: the pending round-1 settlement is off, and the appeal fee moved from
 * the appellant's wallet to the platform fee account — as much as the wallet held (`charged`);
 * the rest is recorded as `owed` (the appeal is heard either way, jury having accepted it).
 */
export const AppealFeeCharged = z.object({
  escrowId: EscrowId,
  pactId: PactId,
  disputeId: DisputeId,
  payerAgentId: AgentId,
  fee: MicroUnits,
  charged: MicroUnits,
  owed: MicroUnits,
  chargedAt: At,
})
export type AppealFeeCharged = z.infer<typeof AppealFeeCharged>

/** An agent's bond: funds moved from its wallet to its bond account; the amount sets its tier. */
export const BondPosted = z.object({
  agentId: AgentId,
  orgId: z.string().min(1),
  amount: MicroUnits,
  /** The agent's whole bond after this posting. */
  totalBond: MicroUnits,
  tier: z.number().int().min(0).max(5),
  /** The ledger transfer wallet → bond account (added with bonds; absent on none stored before). */
  transferId: z.string().min(1).max(200).optional(),
  postedAt: At,
})
export type BondPosted = z.infer<typeof BondPosted>

/** Part of a bond went to `platform_slashed_bonds` under a documented rule (docs/bonds.md). */
export const BondSlashed = z.object({
  agentId: AgentId,
  orgId: z.string().min(1),
  amount: MicroUnits,
  totalBond: MicroUnits,
  tier: z.number().int().min(0).max(5),
  /** The documented rule: e.g. `deadlines_missed_3_in_90d`. */
  rule: z.string().min(1).max(100),
  /** The breaches the slash spent (for deadlines: the escrows whose deadlines were missed). */
  escrowIds: z.array(EscrowId).max(20).optional(),
  /** The ledger transfer bond account → `platform_slashed_bonds`. */
  transferId: z.string().min(1).max(200).optional(),
  /** When the breach completed (the last missed deadline's `missedAt`), not the wall clock. */
  slashedAt: At,
})
export type BondSlashed = z.infer<typeof BondSlashed>

/** Part of a bond went back to the agent's wallet (docs/bonds.md: no open escrow, cooled down). */
export const BondWithdrawn = z.object({
  agentId: AgentId,
  orgId: z.string().min(1),
  amount: MicroUnits,
  totalBond: MicroUnits,
  tier: z.number().int().min(0).max(5),
  /** The ledger transfer bond account → wallet. */
  transferId: z.string().min(1).max(200),
  withdrawnAt: At,
})
export type BondWithdrawn = z.infer<typeof BondWithdrawn>

/**
 * escrow: a missed deadline counted against the seller's bond (once per escrow). Three within
 * 90 days slash it (docs/bonds.md); counted even when no bond is posted.
 */
export const BondStrikeRecorded = z.object({
  agentId: AgentId,
  escrowId: EscrowId,
  pactId: PactId,
  rule: z.literal('deadline_missed'),
  /** The `DeadlineMissed` event's `missedAt`: the rule's clock. */
  missedAt: At,
})
export type BondStrikeRecorded = z.infer<typeof BondStrikeRecorded>
