import { type Kysely, type Migration, type RawBuilder, sql } from 'kysely'

/** The escrow lifecycle's tables; `s` is the service schema's identifier. */
export function escrowLifecycleMigrations(s: RawBuilder<unknown>): Record<string, Migration> {
  return {
    '2026_12_06_1600_escrows': {
      async up(db: Kysely<any>) {
        // Bus-fed from PACTS' PactAccepted / PactRegistered (escrow-pacts.projection.ts).
        await sql`create table ${s}.escrow_pacts (
          pact_id text primary key, pact_hash text not null, amount numeric(38,0) not null,
          deadline_utc text not null, arbiter text not null,
          buyer jsonb not null, seller jsonb not null, conditions jsonb not null,
          active_at timestamptz not null)`.execute(db)
        // Bus-fed from GUARDIAN's AgentRevoked: a revoked seller's signature is not trusted.
        await sql`create table ${s}.revoked_agents (
          agent_id text primary key, revoked_at timestamptz not null)`.execute(db)
        // Bus-fed from TELEMETRY's records: when each agent was last seen (the grace rule).
        await sql`create table ${s}.agent_last_seen (
          agent_id text primary key, last_seen_at timestamptz not null)`.execute(db)
        // Inline from escrow's own events (escrows.projection.ts). One escrow per pact.
        await sql`create table ${s}.escrows (
          escrow_id text primary key, pact_id text not null unique,
          buyer_agent_id text not null, buyer_org_id text not null,
          seller_agent_id text not null, seller_org_id text not null,
          status text not null, condition_hash text not null, amount numeric(38,0) not null,
          arbiter text not null, deadline_utc text not null, transfer_id text not null,
          verification text, results jsonb not null default '[]', dispute_id text,
          settlement jsonb, created_at timestamptz not null, updated_at timestamptz not null)`.execute(
          db,
        )
        await sql`create index escrows_buyer_org on ${s}.escrows (buyer_org_id)`.execute(db)
        await sql`create index escrows_seller_org on ${s}.escrows (seller_org_id)`.execute(db)
      },
    },
  }
}
