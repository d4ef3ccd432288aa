import { z } from 'zod'
import { DisputeId, EscrowId } from './escrow.events.ts'
import { PactId, Sha256Hex } from './pact.events.ts'

// Jury: a panel of independent judges votes on the share of a disputed escrow released to the
// seller; the trimmed median of the votes is the verdict, which escrow settles.

/** One judge's vote as the aggregation saw it. */
export const JudgeVote = z.object({
  judgeId: z.string().min(1).max(200),
  provider: z.enum(['openai-compatible', 'anthropic', 'rules']),
  model: z.string().min(1).max(200),
  scopeMet: z.enum(['yes', 'no', 'partial']),
  qualityMet: z.boolean(),
  releasePercentage: z.number().min(0).max(100),
})
export type JudgeVote = z.infer<typeof JudgeVote>

/** The panel's verdict: the median of the votes left after trimming each end. */
export const VerdictReached = z.object({
  disputeId: DisputeId,
  escrowId: EscrowId,
  pactId: PactId,
  releasePercentage: z.number().min(0).max(100),
  votes: z.array(JudgeVote),
  /** The votes dropped at each end, by judge id. */
  trimmed: z.array(z.string()),
  /** SHA-256 of the RFC 8785 JSON of the evidence package every judge read. */
  evidenceHash: Sha256Hex,
  judges: z.array(z.object({ judgeId: z.string(), provider: z.string(), model: z.string() })),
  /** SHA-256 of the audit record (`GET /v1/disputes/:id/record`). */
  recordHash: Sha256Hex,
  /** 1 for the first panel, 2 for the appeal's (whose verdict replaces the first). */
  round: z.number().int().min(1).max(2),
  reachedAt: z.iso.datetime({ offset: true }),
})
export type VerdictReached = z.infer<typeof VerdictReached>
