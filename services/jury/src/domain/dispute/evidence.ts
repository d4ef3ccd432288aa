import type { ConditionResult, PactParty, PactTerms } from '@tessera/contracts'
import { canonicalJson, sha256Hex } from '@tessera/crypto'
import { type RoomExcerptEntry, roomExcerpt } from './room-excerpt.ts'

/** The pact both parties signed, as jury learnt it from the PACTS stream. */
export interface SignedPact {
  pactId: string
  pactHash: string
  terms: PactTerms
  buyer: PactParty
  seller: PactParty
  buyerSignature: string
  sellerSignature: string
}

/** The seller's completion, as escrow's `CompletionSubmitted` carried it. */
export interface Completion {
  deliverableHash: string
  deliverable: unknown
  completionTimeUtc: string
  executionMetrics?: Record<string, unknown> | undefined
  verification: 'pass' | 'partial' | 'fail'
  results: ConditionResult[]
}

/**
 * What every judge reads, and nothing else. Canonicalised with RFC 8785 and hashed, so the
 * record proves they all read the same bytes. Untrusted text (deliverable, claim, response,
 * evidence items) is data here; the prompt marks it so.
 */
export interface EvidencePackage {
  version: 1
  disputeId: string
  escrowId: string
  pact: SignedPact | null
  /** From the completion when escrow sent one, else the dispute's `deliverable` evidence item. */
  deliverable: unknown
  completion: Omit<Completion, 'deliverable'> | null
  /** Each deliverable condition's automated result, as escrow recorded it. */
  conditionResults: ConditionResult[]
  claim: { party: 'buyer' | 'seller'; disputedBy: string; reason: string; evidence: unknown[] }
  response: { party: 'buyer' | 'seller'; text: string; evidence: unknown[] } | null
  /** Round 2 only: who appealed the first verdict, and why. */
  appeal?: { party: 'buyer' | 'seller'; reason: string; firstVerdict: number } | undefined
  amount: string
  /** What happened under the pact and the escrow, from the room's events (room-excerpt.ts). */
  roomExcerpt: RoomExcerptEntry[]
}

export interface EvidenceInput {
  disputeId: string
  escrowId: string
  claimant: 'buyer' | 'seller'
  disputedBy: string
  reason: string
  evidence: unknown[]
  amount: string
  response: { party: 'buyer' | 'seller'; text: string; evidence: unknown[] } | null
  pact: SignedPact | null
  completion: Completion | null
  appeal?: EvidencePackage['appeal']
  roomExcerpt?: readonly RoomExcerptEntry[]
}

const typed = (items: unknown[], type: string) =>
  items.find(
    (i): i is { type: string; content: unknown } =>
      typeof i === 'object' && i !== null && (i as { type?: unknown }).type === type,
  )?.content

/** Assembles the package from what jury holds; the order of fields never matters (JCS). */
export function evidencePackage(i: EvidenceInput): EvidencePackage {
  const fromClaim = typed(i.evidence, 'deliverable')
  const results = typed(i.evidence, 'condition_results')
  const { deliverable, ...completion } = i.completion ?? { deliverable: fromClaim }
  const pkg: EvidencePackage = {
    version: 1,
    disputeId: i.disputeId,
    escrowId: i.escrowId,
    pact: i.pact,
    deliverable: deliverable ?? null,
    completion: i.completion ? (completion as EvidencePackage['completion']) : null,
    conditionResults:
      i.completion?.results ?? (Array.isArray(results) ? (results as ConditionResult[]) : []),
    claim: { party: i.claimant, disputedBy: i.disputedBy, reason: i.reason, evidence: i.evidence },
    response: i.response,
    appeal: i.appeal,
    amount: i.amount,
    roomExcerpt: roomExcerpt(i.roomExcerpt ?? []),
  }
  // as it will be stored and read back: absent fields gone, so the hash is of what is kept
  return JSON.parse(JSON.stringify(pkg)) as EvidencePackage
}

/** SHA-256 of the package's RFC 8785 JSON. */
export const evidenceHash = (p: EvidencePackage) => sha256Hex(canonicalJson(p))
