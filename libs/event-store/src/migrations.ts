import { type Kysely, type Migration, Migrator, sql } from 'kysely'
import { assertSchemaName } from './db.ts'

/**
 * The event log's own migrations, named like a service's so both sort into one history.
 * They take the schema as a parameter because every service keeps its log in its own schema.
 */
export function eventLogMigrations(schema: string): Record<string, Migration> {
  const s = sql.id(assertSchemaName(schema))
  return {
    '2026_11_21_0000_event_log': {
      async up(db: Kysely<any>) {
        await sql`
          create table ${s}.events (
            position bigint generated always as identity primary key,
            transaction_id xid8 not null default pg_current_xact_id(),
            stream_id text not null,
            stream_version bigint not null check (stream_version > 0),
            event_id uuid not null unique,
            type text not null,
            data jsonb not null,
            metadata jsonb not null,
            recorded_at timestamptz not null default now(),
            unique (stream_id, stream_version)
          )`.execute(db)
        // Readers walk the log in (transaction_id, position) order; see read.ts.
        await sql`create index events_tx_position on ${s}.events (transaction_id, position)`.execute(
          db,
        )
        // Append-only, enforced by the database rather than by convention.
        await sql`
          create function ${s}.events_append_only() returns trigger language plpgsql as $$
          begin
            raise exception 'events is append-only: % is not allowed', tg_op
              using errcode = 'insufficient_privilege';
          end $$`.execute(db)
        await sql`
          create trigger events_no_update_delete before update or delete on ${s}.events
          for each row execute function ${s}.events_append_only()`.execute(db)
        await sql`
          create trigger events_no_truncate before truncate on ${s}.events
          for each statement execute function ${s}.events_append_only()`.execute(db)
        await sql`
          create table ${s}.checkpoints (
            name text primary key,
            transaction_id xid8 not null,
            position bigint not null,
            updated_at timestamptz not null default now()
          )`.execute(db)
      },
    },
    // An early 0000 also created a NOTIFY trigger to wake the relay. It took Postgres's
    // cluster-wide notify lock at every commit and serialised appends; the relay polls now.
    // Named after every service's first migration so databases that ran them still accept it.
    '2026_11_21_2200_drop_commit_notify': {
      async up(db: Kysely<any>) {
        await sql`drop trigger if exists events_notify on ${s}.events`.execute(db)
        await sql`drop function if exists ${s}.events_notify()`.execute(db)
      },
    },
  }
}

/** Creates the schema if needed and applies every pending migration, in name order. */
export async function migrateSchema(
  db: Kysely<any>,
  schema: string,
  migrations: Record<string, Migration>,
): Promise<string[]> {
  await sql`create schema if not exists ${sql.id(assertSchemaName(schema))}`.execute(db)
  const migrator = migratorFor(db, schema, migrations)
  const { error, results } = await migrator.migrateToLatest()
  if (error) throw error instanceof Error ? error : new Error('migration failed', { cause: error })
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}

/** Names of migrations not yet applied; readiness requires none. */
export async function pendingMigrations(
  db: Kysely<any>,
  schema: string,
  migrations: Record<string, Migration>,
): Promise<string[]> {
  const all = await migratorFor(db, schema, migrations).getMigrations()
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name)
}

function migratorFor(db: Kysely<any>, schema: string, migrations: Record<string, Migration>) {
  return new Migrator({
    db,
    migrationTableSchema: schema,
    provider: { getMigrations: () => Promise.resolve(migrations) },
  })
}
