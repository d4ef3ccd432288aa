import type { PactTerms } from '@tessera/sdk'

/**
 * What the buyer and seller say to each other over A2A: the reference's two kinds of task
 * (`pact_negotiation`, then the work itself), as the JSON of one data part.
 */
export const PACT_NEGOTIATION = 'pact_negotiation'

/** The capability the example seller sells: a deterministic word report of a text. */
export const TEXT_REPORT = 'text-report'

/** The buyer's proposal: the terms, their hash and the buyer's signature of it. */
export interface NegotiationRequest {
  taskType: typeof PACT_NEGOTIATION
  payload: { pact: PactTerms; pactHash: string; signature: string }
}

export type NegotiationReply =
  | { status: 'accepted'; pactHash: string; sellerSignature: string }
  | {
      status: 'counter_proposed'
      amendedPact: PactTerms
      amendedPactHash: string
      sellerSignature: string
      reason: string
    }
  | { status: 'rejected'; rejectionReason: string }

/** The job's input: the text to report on. */
export interface TextReportInput {
  text: string
}

/** The work: which pact and escrow pay for it, and its input. */
export interface WorkRequest {
  taskType: string
  escrowId: string
  pactId: string
  data: TextReportInput
}

export type WorkReply =
  | {
      status: 'completed'
      deliverable: TextReport
      deliverableHash: string
      completionTimeUtc: string
    }
  | { status: 'declined'; reason: string }
  | { status: 'execution_failed'; reason: string }

/** The deliverable: every section the pact's conditions ask for (a type: it is JSON). */
export type TextReport = {
  wordCount: number
  uniqueWords: number
  topWords: { word: string; count: number }[]
  summary: string
}

export type SellerRequest = NegotiationRequest | WorkRequest

/** What the buyer needs of a seller: the same two calls, over A2A or in-process. */
export interface SellerPort {
  negotiate(request: NegotiationRequest): Promise<NegotiationReply>
  work(request: WorkRequest): Promise<WorkReply>
}

/** Reads a request off the wire: a malformed one is refused before any policy runs. */
export function parseSellerRequest(value: unknown): SellerRequest | { error: string } {
  if (!isRecord(value) || typeof value['taskType'] !== 'string') {
    return { error: 'a request is a JSON object with a taskType' }
  }
  if (value['taskType'] === PACT_NEGOTIATION) {
    const payload = value['payload']
    if (
      !isRecord(payload) ||
      !isRecord(payload['pact']) ||
      typeof payload['pactHash'] !== 'string' ||
      typeof payload['signature'] !== 'string'
    ) {
      return { error: 'pact_negotiation needs payload {pact, pactHash, signature}' }
    }
    return value as unknown as NegotiationRequest
  }
  if (typeof value['escrowId'] !== 'string' || typeof value['pactId'] !== 'string') {
    return { error: 'work needs escrowId and pactId' }
  }
  return value as unknown as WorkRequest
}

export const isNegotiation = (request: SellerRequest): request is NegotiationRequest =>
  request.taskType === PACT_NEGOTIATION

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
