export { appendToStream, appendToStreams, streamVersion } from './append.ts'
export type { AppendContext, Db, ExpectedVersion, NewEvent, StreamAppend } from './append.ts'
export { loadCheckpoint, saveCheckpoint } from './checkpoints.ts'
export { assertSchemaName, createDb, pingDb } from './db.ts'
export type { DbOptions } from './db.ts'
export { ConcurrencyError, EventStoreError } from './errors.ts'
export { GroupCommitQueue, GroupFailure } from './group-commit.ts'
export type { GroupCommitOptions } from './group-commit.ts'
export { eventLogMigrations, migrateSchema, pendingMigrations } from './migrations.ts'
export { LOG_START, headPosition, readAll, readStream, readStreams, toEnvelope } from './read.ts'
export type { LogCheckpoint, StoredEnvelope } from './read.ts'
export type {
  CheckpointsTable,
  EventRow,
  EventStoreTables,
  EventsTable,
  SchemaDb,
  SchemaTx,
} from './schema.ts'
