import { type Kysely, type Migration, sql } from 'kysely'

export function scoringMigrations(schema: string): Record<string, Migration> {
  const s = sql.id(schema)
  return {
    '2026_11_21_1000_trust_profiles': {
      async up(db: Kysely<any>) {
        await sql`create table ${s}.trust_profiles (
          subject_kind text not null, subject_id text not null,
          score int not null, model_version text not null, reasons jsonb not null,
          updated_at timestamptz not null,
          primary key (subject_kind, subject_id))`.execute(db)
      },
    },
    // Trust profiles of agents: the evidence SET (order-free), who each key concerns, and the
    // profiles computed from them (canonical JSON, so a rebuild can be compared byte for byte).
    '2026_12_06_1500_agent_trust': {
      async up(db: Kysely<any>) {
        await sql`create table ${s}.trust_evidence (
          id text not null, key text not null, context text not null, data jsonb not null,
          primary key (key, id))`.execute(db)
        await sql`create index trust_evidence_context on ${s}.trust_evidence (context)`.execute(db)
        await sql`create table ${s}.trust_links (
          key text not null, agent_id text not null, context text not null,
          primary key (agent_id, key, context))`.execute(db)
        await sql`create index trust_links_key on ${s}.trust_links (key)`.execute(db)
        await sql`create table ${s}.agent_profiles (
          agent_id text primary key, org_id text not null, did text, handle text,
          composite_score int not null, bond_tier int not null,
          flagged_counterparties text[] not null, model_version text not null,
          profile text not null, explanation text not null)`.execute(db)
        await sql`create index agent_profiles_did on ${s}.agent_profiles (did)`.execute(db)
        await sql`create index agent_profiles_handle on ${s}.agent_profiles (handle)`.execute(db)
        await sql`create index agent_profiles_org on ${s}.agent_profiles (org_id)`.execute(db)
        // What ScoreChanged last said per agent: not a projection (never reset), so a rebuild
        // that lands on the same scores publishes nothing, and a model change publishes the moves.
        await sql`create table ${s}.published_agent_scores (
          agent_id text primary key, composite_score int not null, bond_tier int not null)`.execute(
          db,
        )
        // Contexts being rebuilt: no ScoreChanged for the intermediate states meanwhile.
        await sql`create table ${s}.trust_rebuilding (context text primary key)`.execute(db)
      },
    },
    // Ingest telemetry per agent and UTC day (never per call): sums, so batches merge in any
    // order; and the bus messages already counted (one row per message of up to 100 records),
    // so a redelivered message adds nothing. Not reset by a rebuild: telemetry is not in the log.
    '2026_12_06_1900_trust_telemetry': {
      async up(db: Kysely<any>) {
        await sql`create table ${s}.trust_telemetry_days (
          agent_id text not null, day text not null, records int not null, calls int not null,
          errors int not null, slow int not null, last_at text not null,
          primary key (agent_id, day))`.execute(db)
        await sql`create table ${s}.trust_telemetry_messages (
          message_id text primary key)`.execute(db)
      },
    },
    // Explanations are built on read from the evidence (GET …/explain): no batch writes them.
    '2026_12_06_1930_explain_on_read': {
      async up(db: Kysely<any>) {
        await sql`alter table ${s}.agent_profiles drop column explanation`.execute(db)
      },
    },
    // A telemetry message can be redelivered only while TELEMETRY keeps it (7 days): its id is
    // kept a day longer, then pruned (TelemetryTrustConsumer), so the table stops growing.
    '2026_12_06_2200_telemetry_messages_seen_at': {
      async up(db: Kysely<any>) {
        await sql`alter table ${s}.trust_telemetry_messages
          add column seen_at timestamptz not null default now()`.execute(db)
        await sql`create index trust_telemetry_messages_seen_at
          on ${s}.trust_telemetry_messages (seen_at)`.execute(db)
      },
    },
    // The trust consumers keep no inbox since they are idempotent (a set keyed by event): the
    // rows they wrote before are never read again.
    '2026_12_07_0100_trust_inbox_unused': {
      async up(db: Kysely<any>) {
        await sql`delete from ${s}.projection_inbox
          where projection in ('trust-escrow', 'trust-jury', 'trust-pacts', 'trust-guardian')`.execute(
          db,
        )
      },
    },
  }
}
