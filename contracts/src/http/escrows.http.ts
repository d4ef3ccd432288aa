import { z } from 'zod'
import { CompletionSubmitted, type ConditionResult } from '../events/escrow.events.ts'
import { AgentRef, Ed25519SignatureHex, PactHash, PactId } from '../events/pact.events.ts'
import { MAX_CREDIT_MICRO_UNITS, usdcToMicroUnits } from './ledger.http.ts'

// The escrow lifecycle (`/v1/escrows`), with the reference's method and field names
// (`../shared/reference/a2a-escrow-reference-architecture.txt`, layers 4 and 5).
// Money is µUSDC as a decimal string; `amountUsdc` also takes a JSON number, converted exactly.

const At = z.iso.datetime({ offset: true })

/** A positive µUSDC amount, at most 10^15 (one billion USDC). */
const Amount = z
  .string()
  .regex(/^[1-9]\d{0,37}$/, 'must be a positive amount of micro-units as a decimal string')
  .refine((v) => BigInt(v) <= MAX_CREDIT_MICRO_UNITS, {
    message: `must be at most ${MAX_CREDIT_MICRO_UNITS} micro-units`,
  })

/** USDC as a number or a decimal string with at most 6 decimals. */
const Usdc = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const micro = usdcToMicroUnits(typeof v === 'number' ? String(v) : v)
  if (micro === undefined) {
    ctx.addIssue({ code: 'custom', message: 'must be USDC with at most 6 decimals, not negative' })
    return z.NEVER
  }
  return micro
})

/** Exactly one of `amount` (µUSDC) or `amountUsdc`, checked as one amount. */
function oneAmount<T extends { amount?: string | undefined; amountUsdc?: string | undefined }>(
  b: T,
  ctx: z.RefinementCtx,
  names: [string, string] = ['amount', 'amountUsdc'],
): string {
  if ((b.amount === undefined) === (b.amountUsdc === undefined)) {
    ctx.addIssue({ code: 'custom', path: [names[0]], message: `give ${names.join(' or ')}` })
    return z.NEVER
  }
  const amount = b.amount ?? b.amountUsdc!
  const checked = Amount.safeParse(amount)
  if (!checked.success) {
    ctx.addIssue({ code: 'custom', path: [names[1]], message: checked.error.issues[0]!.message })
    return z.NEVER
  }
  return amount
}

/** `POST /v1/escrows`: the buyer locks the pact's payment against the pact's hash. */
export const CreateEscrowBody = z
  .strictObject({
    /** The buyer: its agent id or its `did:key`, as the reference passes its DID. */
    buyerAgentId: AgentRef.optional(),
    sellerAgentId: AgentRef.optional(),
    pactId: PactId,
    amount: z.string().optional(),
    amountUsdc: Usdc.optional(),
    conditionHash: PactHash,
    arbiter: z.string().trim().min(1).max(200).optional(),
    deadlineUtc: At.optional(),
  })
  .transform((b, ctx) => {
    const amount = oneAmount(b, ctx)
    const { amountUsdc: _u, ...rest } = b
    return { ...rest, amount }
  })
export type CreateEscrowRequest = z.input<typeof CreateEscrowBody>

/** `POST /v1/escrows/:escrowId/verify`: the seller checks the lock before working. */
export const VerifyEscrowBody = z
  .strictObject({
    expectedPactId: PactId,
    expectedAmount: z.string().optional(),
    minAmountUsdc: Usdc.optional(),
  })
  .transform((b, ctx) => {
    const amount = oneAmount({ amount: b.expectedAmount, amountUsdc: b.minAmountUsdc }, ctx, [
      'expectedAmount',
      'minAmountUsdc',
    ])
    return b.expectedAmount !== undefined
      ? { expectedPactId: b.expectedPactId, expectedAmount: amount }
      : { expectedPactId: b.expectedPactId, minAmount: amount }
  })
export type VerifyEscrowRequest = z.input<typeof VerifyEscrowBody>

/**
 * `POST /v1/escrows/:escrowId/completion`: the seller's signed deliverable, the fields of
 * `CompletionSubmitted` the seller writes. `deliverableHash` is SHA-256 of the RFC 8785 JSON of
 * `deliverable` (`deliverableHash`); `sellerSignature` is Ed25519 by the seller's key over its
 * 32 bytes (`signCompletion`).
 */
export const SubmitCompletionBody = z.strictObject(
  CompletionSubmitted.pick({
    pactId: true,
    deliverableHash: true,
    deliverable: true,
    completionTimeUtc: true,
    executionMetrics: true,
    sellerSignature: true,
  }).shape,
)
export type SubmitCompletionRequest = z.input<typeof SubmitCompletionBody>

/** `POST /v1/escrows/:escrowId/disputes`: a party freezes the escrow. */
export const DisputeEscrowBody = z.strictObject({
  /** The disputing party: its agent id or its `did:key`. */
  disputedBy: AgentRef,
  reason: z.string().trim().min(1).max(2000),
  evidence: z.array(z.json()).max(20).default([]),
})
export type DisputeEscrowRequest = z.input<typeof DisputeEscrowBody>

/**
 * `POST /v1/escrows/:escrowId/settlement`: both parties signed the same split. Each signature
 * is Ed25519 over `settlementHash(escrowId, pactId, releasePercentage)` (@tessera/crypto).
 */
export const MutualSettlementBody = z.strictObject({
  releasePercentage: z.number().min(0).max(100),
  buyerSignature: Ed25519SignatureHex,
  sellerSignature: Ed25519SignatureHex,
})
export type MutualSettlementRequest = z.input<typeof MutualSettlementBody>

export type EscrowStatus = 'locked' | 'released' | 'refunded' | 'disputed' | 'settled'

/** How an escrow ended: who got what, and the fee. */
export interface EscrowSettlement {
  basis: 'release' | 'refund' | 'verdict' | 'mutual'
  sellerAmount: string
  buyerAmount: string
  fee: string
  at: string
}

/** An escrow as both parties see it. */
export interface Escrow {
  escrowId: string
  status: EscrowStatus
  pactId: string
  conditionHash: string
  amount: string
  buyerAgentId: string
  sellerAgentId: string
  arbiter: string
  deadlineUtc: string
  network: 'internal'
  /** The ledger's pending transfer holding the funds. */
  txHash: string
  verification: 'pass' | 'partial' | 'fail' | null
  results: ConditionResult[]
  disputeId: string | null
  settlement: EscrowSettlement | null
  createdAt: string
  updatedAt: string
}

/** The answer of `verify`: what the seller needs before working. */
export interface EscrowVerification {
  status: EscrowStatus
  conditionHash: string
  amount: string
  pactId: string
  deadlineUtc: string
}

/** `pollSettlement`'s options: how long to wait in all, and between two reads. */
export interface PollSettlementOptions {
  timeoutMs?: number
  pollIntervalMs?: number
}
