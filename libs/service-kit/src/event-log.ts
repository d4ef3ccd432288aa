import type { Kysely, Transaction } from 'kysely'
import type { Envelope } from '@tessera/contracts'
import {
  type AppendContext,
  type ExpectedVersion,
  type NewEvent,
  type StoredEnvelope,
  appendToStream,
  readStream,
} from '@tessera/event-store'

/** The service's own log, bound to its schema. */
export class EventLog {
  constructor(
    readonly db: Kysely<any>,
    readonly schema: string,
  ) {}

  append(
    streamId: string,
    expected: ExpectedVersion,
    events: readonly NewEvent[],
    ctx: AppendContext,
    tx?: Transaction<any>,
  ): Promise<Envelope[]> {
    return appendToStream(tx ?? this.db, this.schema, streamId, expected, events, ctx)
  }

  read(streamId: string, tx?: Transaction<any>): Promise<StoredEnvelope[]> {
    return readStream(tx ?? this.db, this.schema, streamId)
  }
}
