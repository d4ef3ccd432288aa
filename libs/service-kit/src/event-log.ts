import { context, propagation } from '@opentelemetry/api'
import type { AnyEnvelope, Decider, Envelope } from '@tessera/contracts'
import {
  type AppendContext,
  type ExpectedVersion,
  type NewEvent,
  type StoredEnvelope,
  appendToStream,
  readStream,
  type SchemaDb,
  type SchemaTx,
} from '@tessera/event-store'

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
    return appendToStream(tx ?? this.db, this.schema, streamId, expected, events, {
      ...ctx,
      traceparent,
    })
  }

  /**
   * Runs one command against one stream: reads it, folds it with the decider, decides, and
   * appends at the version it read, so a concurrent writer makes this fail, not interleave.
   */
  async handle<C, E extends NewEvent, S>(
    streamId: string,
    decider: Decider<C, E, S>,
    command: C,
    ctx: AppendContext,
    tx?: SchemaTx,
  ): Promise<Envelope[]> {
    const history = await this.read(streamId, tx)
    const state = history
      .map((e) => decider.parse(e))
      .reduce((s, e) => decider.evolve(s, e), decider.initialState())
    const events = decider.decide(command, state)
    const version = history.at(-1)?.metadata.streamVersion ?? 'no_stream'
    return this.append(streamId, version, events, ctx, tx)
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

/** Append context for events caused by a consumed event: same correlation and trace. */
export function causedBy(e: AnyEnvelope, actorId: string): AppendContext {
  return {
    actor: { kind: 'system', id: actorId },
    correlationId: e.metadata.correlationId,
    causationId: e.metadata.eventId,
    traceparent: e.metadata.traceparent,
  }
}
