import { z } from 'zod'
import { AgentId, OrgId } from './guardian.events.ts'
import { DisputeId, EscrowId } from './escrow.events.ts'
import { PactId, PactParty, Sha256Hex } from './pact.events.ts'
import { MicroUnits } from './tenancy.events.ts'

// Jury: a panel of independent judges votes on the share of a disputed escrow released to the
// seller; the trimmed median of the votes is the verdict, which escrow settles.

const At = z.iso.datetime({ offset: true })

export const JudgeProvider = z.enum(['openai-compatible', 'anthropic', 'rules'])
export type JudgeProvider = z.infer<typeof JudgeProvider>

/** One judge's vote as the aggregation saw it. */
export const JudgeVote = z.object({
  judgeId: z.string().min(1).max(200),
  provider: JudgeProvider,
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
  /**
   * Until when a party may appeal this verdict (round 1); null when it is final (round 2, or
   * appeals are off). Escrow settles a round-1 verdict once this has passed with no
   * `AppealFiled`, and a round-2 verdict at once (docs/jury.md).
   */
  appealableUntil: At.nullable().optional(),
  reachedAt: At,
})
export type VerdictReached = z.infer<typeof VerdictReached>

/** Jury took in escrow's `DisputeOpened`: the other party may respond until `respondBy`. */
export const DisputeReceived = z.object({
  disputeId: DisputeId,
  escrowId: EscrowId,
  pactId: PactId,
  disputedBy: z.union([AgentId, z.literal('system')]),
  /** Which party claims: the buyer (or `system` on a partial delivery) or the seller. */
  claimant: z.enum(['buyer', 'seller']),
  reason: z.string().min(1).max(2000),
  evidence: z.array(z.json()).max(20),
  buyer: PactParty,
  seller: PactParty,
  amount: MicroUnits,
  openedAt: At,
  respondBy: At,
})
export type DisputeReceived = z.infer<typeof DisputeReceived>

export const DISPUTE_RESPONSE_MAX_CHARS = 8000

/** The party that did not dispute answered the claim, inside the window. */
export const DisputeResponded = z.object({
  disputeId: DisputeId,
  pactId: PactId,
  party: z.enum(['buyer', 'seller']),
  byOrgId: OrgId,
  response: z.string().min(1).max(DISPUTE_RESPONSE_MAX_CHARS),
  evidence: z.array(z.json()).max(20),
  respondedAt: At,
})
export type DisputeResponded = z.infer<typeof DisputeResponded>

/** What one seat of a panel answered: a vote, or the reason it was excluded. */
export const JudgeBallot = z.object({
  judgeId: z.string().min(1).max(200),
  provider: JudgeProvider,
  model: z.string().min(1).max(200),
  /** The judge's last raw answer (null when it never answered). */
  raw: z.string().nullable(),
  vote: z
    .object({
      scopeMet: z.enum(['yes', 'no', 'partial']),
      qualityMet: z.boolean(),
      releasePercentage: z.number().min(0).max(100),
      reasoning: z.string(),
    })
    .nullable(),
  excluded: z
    .object({ reason: z.enum(['timeout', 'error', 'malformed']), detail: z.string().max(2000) })
    .nullable(),
  attempts: z.number().int().min(1),
  ms: z.number().min(0),
})
export type JudgeBallot = z.infer<typeof JudgeBallot>

/** Every step of the trimmed median, so anyone can recompute it. */
export const Aggregation = z.object({
  /** `floor(n * 0.2)` votes dropped at each end, n the votes counted. */
  rule: z.literal('trimmed-median-20'),
  sorted: z.array(z.object({ judgeId: z.string(), releasePercentage: z.number() })),
  trimPerSide: z.number().int().min(0),
  dropped: z.array(z.string()),
  kept: z.array(z.string()),
  median: z.number().min(0).max(100),
  /** The kept range: a vote inside it is coherent. */
  keptMin: z.number(),
  keptMax: z.number(),
})
export type Aggregation = z.infer<typeof Aggregation>

/**
 * A panel sat on the dispute: the evidence it read, the prompt, every seat's ballot. It carries
 * no `pactId` on purpose: the pact's room records jury events that do, and this one is the
 * bulky audit record, which reaches the room by hash (`VerdictReached.recordHash`).
 */
export const PanelSat = z.object({
  disputeId: DisputeId,
  round: z.number().int().min(1).max(2),
  attempt: z.number().int().min(1),
  evidence: z.json(),
  evidenceHash: Sha256Hex,
  prompt: z.object({ system: z.string(), user: z.string() }),
  ballots: z.array(JudgeBallot),
  quorum: z.number().int().min(1),
  /** Null when fewer than `quorum` votes came in. */
  aggregation: Aggregation.nullable(),
  satAt: At,
})
export type PanelSat = z.infer<typeof PanelSat>

/** Too few judges voted: nothing is settled, and the panel sits again at `retryAt`. */
export const QuorumMissed = z.object({
  disputeId: DisputeId,
  pactId: PactId,
  round: z.number().int().min(1).max(2),
  attempt: z.number().int().min(1),
  votes: z.number().int().min(0),
  quorum: z.number().int().min(1),
  retryAt: At,
  missedAt: At,
})
export type QuorumMissed = z.infer<typeof QuorumMissed>

/**
 * A party appealed the first verdict. Escrow charges `fee` from `feePayerAgentId`'s available
 * funds to the platform fee account (docs/jury.md); jury only records it.
 */
export const AppealFiled = z.object({
  disputeId: DisputeId,
  escrowId: EscrowId,
  pactId: PactId,
  party: z.enum(['buyer', 'seller']),
  byOrgId: OrgId,
  /** The appellant party's agent, whose available funds escrow debits. */
  feePayerAgentId: AgentId,
  fee: MicroUnits,
  reason: z.string().min(1).max(2000),
  filedAt: At,
})
export type AppealFiled = z.infer<typeof AppealFiled>
