import { z } from 'zod'
import { unstorableReason } from './storable.ts'

/**
 * Agent telemetry: sessions, tool calls and responses (`POST /v1/telemetry/batch`, the
 * `@tessera/telemetry` SDK, bus intake). The shapes stay small and stable: new context goes in
 * `metadata`, so the wire format never needs a new version.
 */

/** Years 0001–9999 once in UTC: what Postgres `timestamptz` and ISO 8601's 4 digits hold. */
const EARLIEST_MS = Date.parse('0001-01-01T00:00:00.000Z')
const LATEST_MS = Date.parse('9999-12-31T23:59:59.999Z')
const Timestamp = z.iso.datetime({ offset: true }).refine((s) => {
  const at = Date.parse(s)
  return at >= EARLIEST_MS && at <= LATEST_MS
}, 'must fall within years 0001–9999 in UTC')
const Id = z.string().min(1).max(128)
/** Free-form context; a JSON object. */
const Metadata = z.record(z.string(), z.unknown())

/** One telemetry event, as JSON, may not exceed this (keeps bus messages of 100 under 1 MB). */
export const TELEMETRY_MAX_EVENT_BYTES = 8 * 1024
/** Events in one `POST /v1/telemetry/batch`: 100 of at most 8 KiB fit the 1 MiB body limit. */
export const TELEMETRY_MAX_BATCH = 100

export const SessionStart = z.object({
  type: z.literal('session_start'),
  sessionId: Id,
  agentId: Id,
  startedAt: Timestamp,
  pactId: Id.optional(),
  metadata: Metadata.optional(),
})

export const SessionEnd = z.object({
  type: z.literal('session_end'),
  sessionId: Id,
  agentId: Id,
  endedAt: Timestamp,
  outcome: z.enum(['success', 'failure', 'aborted', 'timeout']),
  metadata: Metadata.optional(),
})

export const ToolCall = z.object({
  type: z.literal('tool_call'),
  sessionId: Id,
  agentId: Id,
  tool: z.string().min(1).max(200),
  params: z.record(z.string(), z.unknown()),
  outcome: z.enum(['success', 'error', 'denied', 'timeout']),
  latencyMs: z.number().nonnegative(),
  attemptedAt: Timestamp,
  pactId: Id.optional(),
  metadata: Metadata.optional(),
})

export const AgentResponse = z.object({
  type: z.literal('response'),
  sessionId: Id,
  agentId: Id,
  outcome: z.enum(['success', 'refusal', 'partial', 'error']),
  respondedAt: Timestamp,
  latencyMs: z.number().nonnegative().optional(),
  pactId: Id.optional(),
  metadata: Metadata.optional(),
})

export const TelemetryEvent = z.discriminatedUnion('type', [
  SessionStart,
  SessionEnd,
  ToolCall,
  AgentResponse,
])
export type TelemetryEvent = z.infer<typeof TelemetryEvent>
export type TelemetryEventType = TelemetryEvent['type']
export type SessionStart = z.infer<typeof SessionStart>
export type SessionEnd = z.infer<typeof SessionEnd>
export type ToolCall = z.infer<typeof ToolCall>
export type AgentResponse = z.infer<typeof AgentResponse>

/** When the event happened, by its own clock. */
export function occurredAt(e: TelemetryEvent): string {
  switch (e.type) {
    case 'session_start':
      return e.startedAt
    case 'session_end':
      return e.endedAt
    case 'tool_call':
      return e.attemptedAt
    case 'response':
      return e.respondedAt
  }
}

/**
 * A batch. `batchId` is the client's idempotency key: a retry with the same id and content is
 * acknowledged again without being stored twice; other content under the same id is a 409.
 * Events are checked one by one, so the array holds `unknown`s here.
 */
export const TelemetryBatchRequest = z.object({
  batchId: z.string().min(1).max(128),
  events: z.array(z.unknown()).min(1).max(TELEMETRY_MAX_BATCH),
})
export type TelemetryBatchRequest = z.infer<typeof TelemetryBatchRequest>

export const TELEMETRY_REJECTION_CODES = [
  'VALIDATION_ERROR',
  'UNKNOWN_AGENT',
  'AGENT_REVOKED',
  'EVENT_TOO_LARGE',
] as const
export type TelemetryRejectionCode = (typeof TELEMETRY_REJECTION_CODES)[number]

export const TelemetryBatchResponse = z.object({
  batchId: z.string(),
  status: z.enum(['accepted', 'partial', 'rejected']),
  acceptedCount: z.number().int(),
  rejectedCount: z.number().int(),
  rejected: z.array(
    z.object({
      index: z.number().int(),
      code: z.enum(TELEMETRY_REJECTION_CODES),
      message: z.string(),
    }),
  ),
  /** Ids of the accepted events, in request order. */
  eventIds: z.array(z.uuid()),
})
export type TelemetryBatchResponse = z.infer<typeof TelemetryBatchResponse>

export type TelemetryEventCheck =
  | { ok: true; event: TelemetryEvent }
  | { ok: false; code: 'VALIDATION_ERROR' | 'EVENT_TOO_LARGE'; message: string }

/** Everything about one event that needs no database; the server adds the agent checks. */
export function validateTelemetryEvent(raw: unknown): TelemetryEventCheck {
  const parsed = TelemetryEvent.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : ''
    return {
      ok: false,
      code: 'VALIDATION_ERROR',
      message: `${where}${issue?.message ?? 'invalid'}`,
    }
  }
  const unstorable = unstorableReason(parsed.data)
  if (unstorable) return { ok: false, code: 'VALIDATION_ERROR', message: unstorable }
  const size = new TextEncoder().encode(JSON.stringify(parsed.data)).length
  if (size > TELEMETRY_MAX_EVENT_BYTES) {
    return {
      ok: false,
      code: 'EVENT_TOO_LARGE',
      message: `${size} bytes; the limit is ${TELEMETRY_MAX_EVENT_BYTES}`,
    }
  }
  return { ok: true, event: parsed.data }
}
