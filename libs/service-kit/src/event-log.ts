import { context, propagation } from '@opentelemetry/api'
import type { AnyEnvelope, Decider, Envelope } from '@tessera/contracts'
import {
  type AppendContext,
  ConcurrencyError,
  type ExpectedVersion,
  type NewEvent,
  type StoredEnvelope,
  type StreamAppend,
  appendToStream,
  appendToStreams,
  readStream,
  readStreams,
  type SchemaDb,
  type SchemaTx,
} from '@tessera/event-store'
import { type InlineProjection, applyInline, applyInlineMany } from './inline-projection.ts'

/** How often an `'any'` append in a transaction of its own is retried on a version clash. */
const ANY_RETRIES = 20

/**
 * The service's own log, bound to its schema, with the inline projections its read tables
 * are written by: every append applies them to its events in the append's transaction.
 */
export class EventLog {
  constructor(
    readonly db: SchemaDb,
    readonly schema: string,
    readonly projections: readonly InlineProjection[] = [],
  ) {}

  /**
   * Appends and applies every inline projection to the stored events, in `tx`; without one,
   * in a transaction of its own, so the events and their rows commit together or not at all.
   */
  async append(
    streamId: string,
    expected: ExpectedVersion,
    events: readonly NewEvent[],
    ctx: AppendContext,
    tx?: SchemaTx,
  ): Promise<Envelope[]> {
    const traceparent = ctx.traceparent ?? activeTraceparent()
    const appendIn = async (t: SchemaTx) => {
      const stored = await appendToStream(t, this.schema, streamId, expected, events, {
        ...ctx,
        traceparent,
      })
      for (const e of stored) await applyInline(this.projections, t, this.schema, e)
      return stored
    }
    if (tx) return appendIn(tx)
    if (this.projections.length === 0) {
      return appendToStream(this.db, this.schema, streamId, expected, events, {
        ...ctx,
        traceparent,
      })
    }
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.db.transaction().execute(appendIn)
      } catch (err) {
        // In a transaction a clash aborts it; `'any'` retries it whole, as the store does alone.
        if (!(err instanceof ConcurrencyError) || expected !== 'any' || attempt >= ANY_RETRIES) {
          throw err
        }
      }
    }
  }

  /**
   * Appends to several streams in one statement (see `appendToStreams`) and applies every
   * inline projection to the stored events, in `tx`: a group commit's write. All or nothing.
   */
  async appendMany(appends: readonly StreamAppend[], tx: SchemaTx): Promise<Envelope[][]> {
    const traceparent = activeTraceparent()
    const stored = await appendToStreams(
      tx,
      this.schema,
      appends.map((a) => ({
        ...a,
        ctx: { ...a.ctx, traceparent: a.ctx.traceparent ?? traceparent },
      })),
    )
    await applyInlineMany(this.projections, tx, this.schema, stored.flat())
    return stored
  }

  /** The events of each of these streams, keyed by stream id, in one query. */
  readMany(streamIds: readonly string[], tx?: SchemaTx): Promise<Map<string, StoredEnvelope[]>> {
    return readStreams(tx ?? this.db, this.schema, streamIds)
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
