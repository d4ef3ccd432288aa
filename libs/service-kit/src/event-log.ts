
import { context, propagation } from '@opentelemetry/api'
import type { Envelope } from '@tessera/contracts'
import { type AppendContext, type ExpectedVersion, type NewEvent, type StoredEnvelope, appendToStream, readStream, type SchemaDb, type SchemaTx } from '@tessera/event-store'

/** The service's own log, bound to its schema. */
export class EventLog {
  constructor(
    readonly db: SchemaDb,
    readonly schema: string,
  ) {}

  append(
    streamId: string,
    expected: ExpectedVersion,
    events: readonly NewEvent[],
    ctx: AppendContext,
    tx?: SchemaTx,
  ): Promise<Envelope[]> {
    const traceparent = ctx.traceparent ?? activeTraceparent()
    return appendToStream(tx ?? this.db, this.schema, streamId, expected, events, { ...ctx, traceparent })
  }

  read(streamId: string, tx?: SchemaTx): Promise<StoredEnvelope[]> {
    return readStream(tx ?? this.db, this.schema, streamId)
  }
}

/** The active span's W3C traceparent, so the request's trace follows its events over the bus. */
export function activeTraceparent(): string | null {
  const carrier: Record<string, string> = {}
  propagation.inject(context.active(), carrier)
  return carrier['traceparent'] ?? null
}
