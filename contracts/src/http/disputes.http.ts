import { z } from 'zod'
import {
  type Aggregation,
  DISPUTE_RESPONSE_MAX_CHARS,
  type JudgeBallot,
  type JudgeProvider,
} from '../events/jury.events.ts'
import type { PactParty } from '../events/pact.events.ts'

// The jury API (`/v1/disputes`, `/v1/jury/judges`): bodies and answers, written once here for
// the controllers and for `@tessera/sdk` (`disputes.get`, `.record`, `.respond`, `.appeal`).

export const DisputeStatus = z.enum([
  /** The other party may still respond. */
  'awaiting_response',
  /** A panel sits (or sits again after a missed quorum). */
  'deliberating',
  /** Round 1's verdict stands; a party may appeal until `appealableUntil`. */
  'decided',
  /** The appeal's 2n+1 panel sits. */
  'appealed',
  /** The verdict is final (round 2, or round 1 after its window; escrow settles it). */
  'final',
])
export type DisputeStatus = z.infer<typeof DisputeStatus>

/** The evidence items of a response, as JSON, are at most this many characters. */
export const DISPUTE_EVIDENCE_MAX_CHARS = 64 * 1024

/** `POST /v1/disputes/:id/respond`: the party that did not dispute answers the claim. */
export const RespondDisputeBody = z.strictObject({
  response: z.string().trim().min(1).max(DISPUTE_RESPONSE_MAX_CHARS),
  evidence: z
    .array(z.json())
    .max(20)
    .refine((items) => JSON.stringify(items).length <= DISPUTE_EVIDENCE_MAX_CHARS, {
      message: `must be at most ${DISPUTE_EVIDENCE_MAX_CHARS} characters of JSON`,
    })
    .default([]),
})
export type RespondDisputeRequest = z.input<typeof RespondDisputeBody> & { disputeId: string }

/** `POST /v1/disputes/:id/appeal`: either party, once, inside the window, for the fee. */
export const AppealDisputeBody = z.strictObject({
  reason: z.string().trim().min(1).max(2000),
})
export type AppealDisputeRequest = z.input<typeof AppealDisputeBody> & { disputeId: string }

export const ListDisputesFilter = z.object({ status: DisputeStatus.optional() })
export type ListDisputesFilter = z.infer<typeof ListDisputesFilter>

/** A dispute as either party's org sees it. */
export interface Dispute {
  disputeId: string
  escrowId: string
  pactId: string
  status: DisputeStatus
  claimant: 'buyer' | 'seller'
  disputedBy: string
  reason: string
  buyer: PactParty
  seller: PactParty
  amount: string
  openedAt: string
  respondBy: string
  respondedAt: string | null
  /** 1, or 2 once appealed. */
  round: number
  /** Panels sat in this round (more than one after a missed quorum). */
  attempt: number
  verdict: {
    releasePercentage: number
    round: number
    recordHash: string
    evidenceHash: string
    reachedAt: string
  } | null
  appealableUntil: string | null
  appeal: { party: 'buyer' | 'seller'; fee: string; filedAt: string } | null
}

/** One seat of one panel, as the audit record shows it. */
export interface RecordBallot extends JudgeBallot {
  /** The full prompt the judge was sent (one per panel: every seat read the same). */
  prompt: { system: string; user: string }
}

/** One round of the audit record; its SHA-256 (RFC 8785) is the verdict's `recordHash`. */
export interface DisputeRecordRound {
  disputeId: string
  escrowId: string
  pactId: string
  round: number
  /** Every panel of the round, including those that missed the quorum. */
  panels: {
    attempt: number
    evidenceHash: string
    evidence: unknown
    quorum: number
    ballots: RecordBallot[]
    aggregation: Aggregation | null
    satAt: string
  }[]
  verdict: { releasePercentage: number } | null
  /** What escrow's documented rule gives (1% fee off the top, then the split; floor to seller). */
  split: { amount: string; fee: string; sellerAmount: string; buyerAmount: string } | null
}

/** `GET /v1/disputes/:id/record`: both parties' orgs only. */
export interface DisputeRecord {
  disputeId: string
  rounds: (DisputeRecordRound & { recordHash: string | null })[]
}

/** `GET /v1/jury/judges`: how each judge voted on the org's disputes. */
export interface JudgeRecord {
  judgeId: string
  provider: JudgeProvider
  model: string
  seats: number
  votes: number
  excluded: number
  /** Votes inside the kept (trimmed) range. */
  coherent: number
  /** coherent / votes; null before any vote. */
  coherence: number | null
}
