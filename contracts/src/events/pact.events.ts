import { z } from 'zod'
import { Condition } from '../conditions/condition.ts'
import { AgentId, OrgId } from './guardian.events.ts'
import { MicroUnits } from './tenancy.events.ts'

// Pacts: the signed, hash-bound terms two agents agreed on before money moves
// (`../shared/reference/a2a-escrow-reference-architecture.txt`, layer 3). Every later step
// (escrow, verification, disputes, scores) refers to a pact by its id and its `pactHash`.

/** The canonical JSON of a pact's terms is at most this many bytes (UTF-8); larger is a 413. */
export const PACT_TERMS_MAX_BYTES = 32 * 1024
/** At most this many conditions in one pact. */
export const PACT_MAX_CONDITIONS = 64
/** An `extensions` value nests at most this deep (arrays and objects); deeper is a 400. */
export const PACT_EXTENSION_MAX_DEPTH = 32

export const PactId = z.string().regex(/^pact_[0-9a-z]{26}$/, 'must be a pact id (pact_…)')
/** SHA-256, 64 lowercase hex digits: of the terms' RFC 8785 JSON for a `pactHash`. */
export const Sha256Hex = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 as 64 lowercase hex digits')
export const PactHash = Sha256Hex
/** An Ed25519 signature, 128 lowercase hex digits, over the 32 bytes of a hash. */
export const Ed25519SignatureHex = z
  .string()
  .regex(/^[0-9a-f]{128}$/, 'must be an Ed25519 signature as 128 lowercase hex digits')

/**
 * Who an agent is in a pact: its agent id (`agt_…`), its Arden handle (`A-1234abcd`) or the
 * `did:key` of its registered public key. The agent must be registered with Tessera.
 */
export const AgentRef = z.string().trim().min(1).max(200)

/** A positive amount of micro-units (1 USDC = 1 000 000), as a decimal string. */
export const PositiveMicroUnits = MicroUnits.refine((v) => /^[1-9]\d*$/.test(v), {
  message: 'must be a positive amount of micro-units',
})

export const PactPayment = z.strictObject({
  /** µUSDC as a decimal string: `"500000000"` is 500 USDC. */
  amount: PositiveMicroUnits,
  currency: z.literal('USDC'),
})

/**
 * One condition of a pact, in `libs/conditions`' language.
 * - `deliverable`: what verification checks on the completion document
 *   (`{deliverable, completionTimeUtc, executionMetrics, metadata}`), e.g. `/metadata/accuracy >= 0.92`.
 * - `param_binding`: what a call of `tool` must satisfy, evaluated on the call's params,
 *   e.g. `transfer_funds`: `/amount <= 500`.
 */
export const PactCondition = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('deliverable'),
    /** A name unique within the pact, shown in results (`accuracy`, `sections`). */
    name: z.string().trim().min(1).max(100),
    description: z.string().max(500).optional(),
    when: Condition,
  }),
  z.strictObject({
    kind: z.literal('param_binding'),
    name: z.string().trim().min(1).max(100),
    /** The tool the binding applies to, as the agent calls it (`transfer_funds`). */
    tool: z.string().trim().min(1).max(200),
    description: z.string().max(500).optional(),
    when: Condition,
  }),
])
export type PactCondition = z.infer<typeof PactCondition>

/**
 * Whether `value` is nested at most `maxDepth` arrays or objects deep. Iterative: zod's
 * `z.json()` recurses, and a 10 kB array 5,000 deep overflowed the stack (a 500) before the
 * size cap or any depth rule could refuse it.
 */
function nestsWithin(value: unknown, maxDepth: number): boolean {
  const stack: { v: unknown; depth: number }[] = [{ v: value, depth: 0 }]
  while (stack.length) {
    const { v, depth } = stack.pop()!
    if (typeof v !== 'object' || v === null) continue
    if (depth >= maxDepth) return false
    for (const item of Object.values(v)) stack.push({ v: item, depth: depth + 1 })
  }
  return true
}

/**
 * One `extensions` value: any JSON nested at most {@link PACT_EXTENSION_MAX_DEPTH} deep. The depth
 * is checked first, so `z.json()` (recursive) only ever walks a shallow value.
 */
const ExtensionValue = z
  .unknown()
  .refine((v) => nestsWithin(v, PACT_EXTENSION_MAX_DEPTH), {
    message: `must be JSON nested at most ${PACT_EXTENSION_MAX_DEPTH} deep`,
  })
  .pipe(z.json())

/**
 * What two agents agree on. Strict: a field Tessera does not know is refused, because the hash
 * covers exactly what was sent; put runtime-specific fields (the reference's
 * `accuracyRequirement`) in `extensions` or express them as conditions.
 */
export const PactTerms = z.strictObject({
  proposedBy: AgentRef,
  proposedTo: AgentRef,
  capability: z.string().trim().min(1).max(200),
  taskDescription: z.string().min(1).max(8000),
  deliverableFormat: z.string().min(1).max(500),
  conditions: z
    .array(PactCondition)
    .max(PACT_MAX_CONDITIONS, `a pact has at most ${PACT_MAX_CONDITIONS} conditions`)
    .refine((cs) => new Set(cs.map((c) => c.name)).size === cs.length, {
      message: 'condition names must be unique',
    }),
  deadlineUtc: z.iso.datetime({ offset: true }),
  payment: PactPayment,
  escrowArbiter: z.string().min(1).max(200),
  proposedAt: z.iso.datetime({ offset: true }),
  /** Single use per proposer: a replayed proposal or registration is refused. */
  nonce: z.string().min(8).max(128),
  extensions: z.record(z.string(), ExtensionValue).optional(),
})
export type PactTerms = z.infer<typeof PactTerms>

/** A party as pacts resolved it from guardian's agents. */
export const PactParty = z.object({
  agentId: AgentId,
  orgId: OrgId,
  did: z.string().startsWith('did:key:').optional(),
})
export type PactParty = z.infer<typeof PactParty>

export const PactStatus = z.enum(['proposed', 'active', 'rejected', 'expired'])
export type PactStatus = z.infer<typeof PactStatus>

const At = z.iso.datetime({ offset: true })

/** Round 1 of a negotiation through Tessera, signed by the proposer (the buyer, who pays). */
export const PactProposed = z.object({
  pactId: PactId,
  round: z.literal(1),
  terms: PactTerms,
  pactHash: PactHash,
  signature: Ed25519SignatureHex,
  buyer: PactParty,
  seller: PactParty,
  /** When an unanswered round expires; the durable scheduler fires `PactExpired` then. */
  expiresAt: At,
  proposedAt: At,
})
export type PactProposed = z.infer<typeof PactProposed>

/** A new round: amended terms, hash and signature from the party whose turn it was. */
export const PactCountered = z.object({
  pactId: PactId,
  round: z.number().int().min(2),
  terms: PactTerms,
  pactHash: PactHash,
  signature: Ed25519SignatureHex,
  by: AgentId,
  expiresAt: At,
  counteredAt: At,
})
export type PactCountered = z.infer<typeof PactCountered>

/** What both ways to an active pact carry, so consumers need one event to know it. */
const ActivePact = {
  pactId: PactId,
  pactHash: PactHash,
  terms: PactTerms,
  buyer: PactParty,
  seller: PactParty,
  buyerSignature: Ed25519SignatureHex,
  sellerSignature: Ed25519SignatureHex,
}

/** The other party signed the current round's hash: the pact is active. */
export const PactAccepted = z.object({
  ...ActivePact,
  round: z.number().int().min(1),
  by: AgentId,
  acceptedAt: At,
})
export type PactAccepted = z.infer<typeof PactAccepted>

/** A pact negotiated peer to peer (over A2A) and registered with both signatures. */
export const PactRegistered = z.object({
  ...ActivePact,
  registeredAt: At,
})
export type PactRegistered = z.infer<typeof PactRegistered>

export const PactRejected = z.object({
  pactId: PactId,
  round: z.number().int().min(1),
  by: AgentId,
  reason: z.string().min(1).max(1000),
  rejectedAt: At,
})
export type PactRejected = z.infer<typeof PactRejected>

export const PactExpired = z.object({
  pactId: PactId,
  round: z.number().int().min(1),
  /** `unanswered`: nobody answered the round in time; `round_limit`: a counter past the limit. */
  reason: z.enum(['unanswered', 'round_limit']),
  expiredAt: At,
})
export type PactExpired = z.infer<typeof PactExpired>

/** The seller could not do the work (the reference's `reportExecutionFailure`). */
export const ExecutionFailureReported = z.object({
  pactId: PactId,
  escrowId: z.string().min(1).max(100).optional(),
  failureReason: z.string().min(1).max(2000),
  by: AgentId,
  reportedAt: At,
})
export type ExecutionFailureReported = z.infer<typeof ExecutionFailureReported>

/** A tool call under a pact broke one of its `param_binding` conditions (seen in telemetry). */
export const ParamBindingViolated = z.object({
  pactId: PactId,
  agentId: AgentId,
  tool: z.string().min(1).max(200),
  /** The failing condition: `param_binding:<name>`. */
  rule: z.string().min(1).max(200),
  /** SHA-256 of the RFC 8785 JSON of the call's params; the params are not stored. */
  paramsDigest: Sha256Hex,
  /** The telemetry event id (ULID) of the `tool_call`. */
  telemetryEventId: z.string().min(1).max(100),
  detectedAt: At,
})
export type ParamBindingViolated = z.infer<typeof ParamBindingViolated>

/** The contexts whose events about a pact (`data.pactId`) the pact's room records. */
export const RoomFeedContext = z.enum(['escrow', 'jury', 'scoring'])
export type RoomFeedContext = z.infer<typeof RoomFeedContext>

/**
 * An escrow, jury or scoring event about a pact, as it arrived on the bus, copied into pacts'
 * own log so that the pact's room (a projection of that log) records it in its place and a
 * rebuild gives the same chain. The room entry carries the source's id, context, type, data
 * and time, not this event's.
 */
export const RoomEventRecorded = z.object({
  pactId: PactId,
  source: z.object({
    eventId: z.string().min(1).max(100),
    context: RoomFeedContext,
    type: z.string().min(1).max(200),
    data: z.unknown(),
    occurredAt: At,
  }),
})
export type RoomEventRecorded = z.infer<typeof RoomEventRecorded>

/**
 * A signed checkpoint of a pact's room: the pacts service's Ed25519 key over the SHA-256 of
 * the RFC 8785 JSON of `{roomId, entryCount, headHash, signedAt}`.
 */
export const RoomCheckpointSigned = z.object({
  roomId: PactId,
  entryCount: z.number().int().min(1),
  headHash: Sha256Hex,
  signedAt: At,
  keyId: z.string().min(1).max(100),
  signature: Ed25519SignatureHex,
})
export type RoomCheckpointSigned = z.infer<typeof RoomCheckpointSigned>
