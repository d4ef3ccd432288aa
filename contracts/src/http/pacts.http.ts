import { z } from 'zod'
import {
  AgentRef,
  Ed25519SignatureHex,
  PactHash,
  PactStatus,
  PactTerms,
} from '../events/pact.events.ts'
import type { PactParty } from '../events/pact.events.ts'
import type { PageRequest } from './page.ts'

// The pacts API (`/v1/pacts`, `/v1/rooms`, `/.well-known/tessera-keys.json`): bodies and
// answers, written once here for the controllers and for `@tessera/sdk`. Method and field names
// follow the reference's buyer/seller code, so a port changes imports and little else.

/** `POST /v1/pacts`: round 1, signed by `terms.proposedBy` over `pactHash(terms)`. */
export const ProposePactBody = z.strictObject({ terms: PactTerms, signature: Ed25519SignatureHex })
export type ProposePactRequest = z.input<typeof ProposePactBody>

/** `POST /v1/pacts/:pactId/counter`: a new round by the party whose turn it is. */
export const CounterPactBody = z.strictObject({
  amendedTerms: PactTerms,
  signature: Ed25519SignatureHex,
})
export type CounterPactRequest = z.input<typeof CounterPactBody> & { pactId: string }

/** `POST /v1/pacts/:pactId/accept`: the other party signs the current round's hash. */
export const AcceptPactBody = z.strictObject({ pactHash: PactHash, signature: Ed25519SignatureHex })
export type AcceptPactRequest = z.input<typeof AcceptPactBody> & { pactId: string }

/** `POST /v1/pacts/:pactId/reject`. */
export const RejectPactBody = z.strictObject({ reason: z.string().trim().min(1).max(1000) })
export type RejectPactRequest = z.input<typeof RejectPactBody> & { pactId: string }

/** `POST /v1/pacts/register`: a pact negotiated peer to peer, with both signatures. */
export const RegisterPactBody = z.strictObject({
  pactHash: PactHash,
  /** The buyer (payer): agent id, Arden handle or did:key; must equal one of the terms' parties. */
  buyerDid: AgentRef,
  sellerDid: AgentRef,
  buyerSignature: Ed25519SignatureHex,
  sellerSignature: Ed25519SignatureHex,
  terms: PactTerms,
})
export type RegisterPactRequest = z.input<typeof RegisterPactBody>

/** What `register` answers (the reference's `{pactId, status: 'active', createdAt}`). */
export interface RegisteredPact {
  pactId: string
  pactHash: string
  status: 'active'
  createdAt: string
}

/** `POST /v1/pacts/:pactId/execution-failures`, by the seller. */
export const ReportExecutionFailureBody = z.strictObject({
  escrowId: z.string().min(1).max(100).optional(),
  failureReason: z.string().trim().min(1).max(2000),
})
export type ReportExecutionFailureRequest = z.input<typeof ReportExecutionFailureBody> & {
  pactId: string
}

/** `GET /v1/pacts` filters, besides `limit` and `cursor`. */
export const ListPactsFilter = z.object({
  status: PactStatus.optional(),
  agentId: z.string().min(1).max(200).optional(),
})
export type ListPactsFilter = z.input<typeof ListPactsFilter>

/** One round of a negotiation as `get` shows it. */
export interface PactRound {
  round: number
  pactHash: string
  terms: PactTerms
  /** The agent that signed this round's terms. */
  by: string
  signature: string
  at: string
}

/** A pact as `GET /v1/pacts/:pactId` shows it to either party's org. */
export interface Pact {
  pactId: string
  /** The hash of the current round's terms (the agreed terms once active). */
  pactHash: string
  terms: PactTerms
  status: PactStatus
  parties: { buyer: PactParty; seller: PactParty }
  /** The signatures over `pactHash` so far, by role. */
  signatures: { buyer?: string; seller?: string }
  rounds: PactRound[]
  /** Whose turn it is while `proposed`: the agent id that may counter or accept. */
  awaiting: string | null
  expiresAt: string | null
  createdAt: string
  updatedAt: string
}

/** One entry of a room's hash chain. `entryHash` = SHA-256(JCS(the entry without `entryHash`)). */
export interface RoomEntry {
  roomId: string
  /** 1, 2, 3, … with no gaps. */
  seq: number
  /** The event that caused it: its id, context and type (`pacts`/`PactProposed`). */
  eventId: string
  context: string
  type: string
  data: unknown
  occurredAt: string
  /** `entryHash` of entry `seq - 1`; 64 zeros for the first entry. */
  prevHash: string
  entryHash: string
}

/** A signed checkpoint: the service key over SHA-256(JCS({roomId, entryCount, headHash, signedAt})). */
export interface RoomCheckpoint {
  roomId: string
  entryCount: number
  headHash: string
  signedAt: string
  keyId: string
  signature: string
}

/** At most this many entries in one page of a room. */
export const ROOM_PAGE_MAX_ENTRIES = 1000

/** `GET /v1/rooms/:pactId?limit&cursor`: `cursor` is the `nextCursor` of the previous page. */
export const RoomPageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(ROOM_PAGE_MAX_ENTRIES).default(500),
  cursor: z
    .string()
    .regex(/^[1-9]\d{0,9}$/, 'is not a cursor this API handed out')
    .transform(Number)
    .optional(),
})
/** `limit` 1 to 1000 (default 500); `cursor` is the previous page's `nextCursor`. */
export type RoomPageRequest = PageRequest

/** `GET /v1/rooms/:pactId`: a page of entries (oldest first) and every checkpoint. */
export interface RoomPage {
  roomId: string
  pactId: string
  /** How many entries the room has now, and the last one's `entryHash`. */
  entryCount: number
  headHash: string
  entries: RoomEntry[]
  checkpoints: RoomCheckpoint[]
  /** The seq after which the next page starts; null on the last page. */
  nextCursor: string | null
}

/**
 * A whole room, every page joined, with the key set as it was fetched: what `tessera rooms
 * export` writes and `tessera rooms verify --file` reads.
 */
export interface RoomExport {
  roomId: string
  pactId: string
  exportedAt: string
  entries: RoomEntry[]
  checkpoints: RoomCheckpoint[]
  keys?: TesseraKeySet
}

/** `GET /.well-known/tessera-keys.json`: the pacts service's checkpoint keys, with rotation. */
export interface TesseraKeySet {
  keys: {
    keyId: string
    alg: 'Ed25519'
    /** 32 bytes, lowercase hex. */
    publicKey: string
    status: 'active' | 'retired'
    createdAt: string
    retiredAt?: string
  }[]
}
