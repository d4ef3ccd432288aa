import { z } from 'zod'
import { EventId } from '../envelope.ts'

/**
 * A telemetry event as ingest stores it and fans it out: either protocol, after validation,
 * agent resolution and the org's redaction. `data` is the event body as accepted.
 */
export const TelemetryRecord = z.object({
  eventId: EventId,
  orgId: z.string(),
  agentId: z.string(),
  protocol: z.enum(['arden', 'telemetry']),
  type: z.enum(['arden_event', 'session_start', 'session_end', 'tool_call', 'response']),
  sessionId: z.string().nullable(),
  pactId: z.string().nullable(),
  occurredAt: z.iso.datetime({ offset: true }),
  receivedAt: z.iso.datetime({ offset: true }),
  data: z.record(z.string(), z.unknown()),
})
export type TelemetryRecord = z.infer<typeof TelemetryRecord>

/** Records per bus message: batching is what makes JetStream fast, and 100 stay under 1 MB. */
export const TELEMETRY_RECORDS_PER_MESSAGE = 100

/**
 * One bus message on `tessera.telemetry.records.batch`: part `part` of the records one group
 * commit stored. `Nats-Msg-Id` is `<groupId>.<part>`, so a catch-up re-publish is a duplicate.
 */
export const TelemetryRecordsMessage = z.object({
  groupId: z.uuid(),
  part: z.number().int().nonnegative(),
  records: z.array(TelemetryRecord),
})
export type TelemetryRecordsMessage = z.infer<typeof TelemetryRecordsMessage>

/** A page of a telemetry query; pass `nextCursor` back as `cursor` until it is null. */
export const TelemetryPage = z.object({
  items: z.array(TelemetryRecord),
  nextCursor: z.string().nullable(),
})
export type TelemetryPage = z.infer<typeof TelemetryPage>

/** What ingest publishes on `tessera.intake.rejected` for an intake message it refused (in part). */
export const IntakeRejected = z.object({
  subject: z.string(),
  streamSequence: z.number().int(),
  /** The first code, for consumers that only route on one. */
  code: z.string(),
  rejected: z.array(z.object({ index: z.number().int(), error: z.string(), message: z.string() })),
  acceptedEventIds: z.array(z.uuid()),
  /** The original message body, as UTF-8 text (invalid bytes replaced). */
  payload: z.string(),
})
export type IntakeRejected = z.infer<typeof IntakeRejected>
