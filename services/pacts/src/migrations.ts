import { type Kysely, type Migration, sql } from 'kysely'
import { roomsMigrations } from './rooms/migrations.ts'
import { pactMigrations } from './pacts/migrations/2026_12_06_1000_pacts.ts'

export function pactsMigrations(schema: string): Record<string, Migration> {
  const s = sql.id(schema)
  return {
    '2026_11_21_1000_rooms': {
      async up(db: Kysely<any>) {
        // Fed by pacts' own RoomOpened (one default room per org); replaced by the room ledger.
        await sql`create table ${s}.rooms (
          room_id text primary key, org_id text not null, name text not null,
          opened_at timestamptz not null)`.execute(db)
        await sql`create index rooms_org_id on ${s}.rooms (org_id)`.execute(db)
      },
    },
    ...roomsMigrations(schema),
    ...pactMigrations(s),
    '2026_12_06_1200_param_binding': {
      async up(db: Kysely<any>) {
        // Active pacts' param bindings: inline, from PactAccepted / PactRegistered.
        await sql`create table ${s}.pact_bindings (
          pact_id text primary key, pact_hash text not null,
          buyer_agent_id text not null, buyer_org_id text not null,
          seller_agent_id text not null, seller_org_id text not null,
          conditions jsonb not null, activated_at timestamptz not null)`.execute(db)
        // Violations recorded, inline from ParamBindingViolated: a redelivered tool call is
        // recognised by its telemetry event id and appended once.
        await sql`create table ${s}.param_binding_violations (
          telemetry_event_id text not null, rule text not null, pact_id text not null,
          agent_id text not null, tool text not null, detected_at timestamptz not null,
          primary key (telemetry_event_id, rule))`.execute(db)
        await sql`create index param_binding_violations_pact on
          ${s}.param_binding_violations (pact_id)`.execute(db)
        // The pact each telemetry session runs under, from session_start on TELEMETRY.
        await sql`create table ${s}.pact_sessions (
          agent_id text not null, session_id text not null, pact_id text not null,
          primary key (agent_id, session_id))`.execute(db)
      },
    },
  }
}
