import type { ColumnType, Generated, Kysely, Selectable, Transaction } from 'kysely'

/** The append-only log. One per service, in that service's Postgres schema. */
export interface EventsTable {
  position: Generated<string>
  transaction_id: Generated<string>
  stream_id: string
  stream_version: string
  event_id: string
  type: string
  data: unknown
  metadata: unknown
  recorded_at: ColumnType<Date, never, never>
}

/** A named reader's place in some log: the outbox relay and projections keep one each. */
export interface CheckpointsTable {
  name: string
  transaction_id: string
  position: string
  updated_at: ColumnType<Date, Date | undefined, Date>
}

export interface EventStoreTables {
  events: EventsTable
  checkpoints: CheckpointsTable
}

export type EventRow = Selectable<EventsTable>

/**
 * A database whose tables sit in a schema chosen at run time (one per service, one per test).
 * Kysely cannot type such tables, so queries use `sql<Row>` and type their rows there.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SchemaDb = Kysely<any>
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SchemaTx = Transaction<any>
