import { type Kysely, type Migration, sql } from 'kysely'

export function ingestMigrations(schema: string): Record<string, Migration> {
  const s = sql.id(schema)
  return {
    '2026_11_21_1000_redaction_policies': {
      async up(db: Kysely<any>) {
        // Fed by ingest's own RedactionPolicySet: one row per org, the latest policy.
        await sql`create table ${s}.redaction_policies (
          org_id text primary key, drop_keys text[] not null, hash_keys text[] not null,
          updated_at timestamptz not null)`.execute(db)
      },
    },
    '2026_11_21_2310_telemetry_log': {
      async up(db: Kysely<any>) {
        // The telemetry log: high volume, so its own table, range-partitioned by the commit time
        // (daily partitions are created ahead by the service; the default catches the rest).
        // `event_id` is a UUIDv7, which orders events in time and serves as the page cursor.
        await sql`create table ${s}.telemetry_events (
          event_id uuid not null,
          group_id uuid not null,
          received_at timestamptz not null,
          occurred_at timestamptz not null,
          org_id text not null,
          agent_id text not null,
          protocol text not null,
          type text not null,
          session_id text,
          pact_id text,
          data jsonb not null
        ) partition by range (received_at)`.execute(db)
        await sql`create table ${s}.telemetry_events_default
          partition of ${s}.telemetry_events default`.execute(db)
        await sql`create index on ${s}.telemetry_events (org_id, session_id, event_id)
          where session_id is not null`.execute(db)
        await sql`create index on ${s}.telemetry_events (org_id, agent_id, occurred_at, event_id)`.execute(
          db,
        )
        // Catch-up finds a group by its commit time; BRIN is nearly free to maintain.
        await sql`create index on ${s}.telemetry_events using brin (received_at)`.execute(db)
        // Append-only, like the event log.
        await sql`create function ${s}.telemetry_events_append_only() returns trigger
          language plpgsql as $$ begin
            raise exception 'telemetry_events is append-only (% refused)', tg_op;
          end $$`.execute(db)
        await sql`create trigger telemetry_events_append_only before update or delete
          on ${s}.telemetry_events for each row
          execute function ${s}.telemetry_events_append_only()`.execute(db)

        // Groups committed but not yet confirmed on the TELEMETRY stream: the crash catch-up.
        await sql`create table ${s}.telemetry_outbox (
          group_id uuid primary key,
          received_at timestamptz not null,
          event_count int not null,
          created_at timestamptz not null default now()
        )`.execute(db)

        // Idempotency of telemetry batches (HTTP batch ids, bus intake sequences).
        await sql`create table ${s}.telemetry_batches (
          org_id text not null,
          batch_id text not null,
          content_hash text not null,
          response jsonb not null,
          created_at timestamptz not null default now(),
          primary key (org_id, batch_id)
        )`.execute(db)

        // Which agents exist, from guardian's AgentRegistered/AgentRevoked.
        await sql`create table ${s}.known_agents (
          agent_id text primary key,
          org_id text not null,
          handle text not null unique,
          status text not null,
          registered_at timestamptz not null,
          revoked_at timestamptz
        )`.execute(db)
      },
    },
  }
}
