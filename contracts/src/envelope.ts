import { z } from 'zod'

/** UUIDv7 (RFC 9562): time-ordered ids for events. */
export const EventId = z.uuid({ version: 'v7' })

/** W3C trace context `traceparent` header value. */
export const Traceparent = z
  .string()
  .regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/, 'must be a W3C traceparent')

export const Actor = z.object({
  kind: z.enum(['system', 'api_key', 'agent', 'human']),
  id: z.string().min(1),
  orgId: z.string().min(1).optional(),
})
export type Actor = z.infer<typeof Actor>

/**
 * Where an event sits in its log. `position` is the global position inside the owning
 * service's log, as a decimal string (it is a bigint in Postgres).
 */
export const EventMetadata = z.object({
  eventId: EventId,
  streamId: z.string().min(1).max(200),
  streamVersion: z.number().int().positive(),
  position: z.string().regex(/^\d+$/, 'must be a decimal string'),
  occurredAt: z.iso.datetime({ offset: true }),
  correlationId: z.string().min(1).max(200),
  causationId: z.string().min(1).max(200).nullable(),
  traceparent: Traceparent.nullable(),
  actor: Actor,
})
export type EventMetadata = z.infer<typeof EventMetadata>

/** The envelope every event travels in, on the bus and out of the log. */
export function envelopeOf<T extends string, D extends z.ZodType>(type: T, data: D) {
  return z.object({ type: z.literal(type), data, metadata: EventMetadata })
}

export const AnyEnvelope = z.object({
  type: z.string().min(1),
  data: z.unknown(),
  metadata: EventMetadata,
})
export type AnyEnvelope = z.infer<typeof AnyEnvelope>

/** A typed envelope for domain code: data narrowed by the event type. */
export interface Envelope<T extends string = string, D = unknown> {
  type: T
  data: D
  metadata: EventMetadata
}
