import { type Kysely, type Migration, type RawBuilder, sql } from 'kysely'

/** The pacts core's tables; `s` is the service schema's identifier. */
export function pactMigrations(s: RawBuilder<unknown>): Record<string, Migration> {
  return {
    '2026_12_06_1000_pacts': {
      async up(db: Kysely<any>) {
        // Fed by guardian's AgentRegistered/AgentRevoked (agent-directory.projection.ts).
        await sql`create table ${s}.agent_directory (
          agent_id text primary key, org_id text not null, handle text not null,
          did text, public_key text, status text not null)`.execute(db)
        await sql`create index agent_directory_handle on ${s}.agent_directory (handle)`.execute(db)
        await sql`create index agent_directory_did on ${s}.agent_directory (did)`.execute(db)
        // Fed by pacts' own events (pacts.projection.ts), in the append's transaction.
        await sql`create table ${s}.pacts (
          pact_id text primary key, pact_hash text not null, terms jsonb not null,
          status text not null, round int not null,
          buyer jsonb not null, seller jsonb not null,
          buyer_agent_id text not null, buyer_org_id text not null,
          seller_agent_id text not null, seller_org_id text not null,
          signatures jsonb not null, rounds jsonb not null, awaiting text,
          expires_at timestamptz, created_at timestamptz not null,
          updated_at timestamptz not null)`.execute(db)
        await sql`create index pacts_buyer_org on ${s}.pacts (buyer_org_id, created_at desc, pact_id desc)`.execute(
          db,
        )
        await sql`create index pacts_seller_org on ${s}.pacts (seller_org_id, created_at desc, pact_id desc)`.execute(
          db,
        )
        // A proposer's nonces: the primary key makes a replay lose even a race.
        await sql`create table ${s}.pact_nonces (
          agent_id text not null, nonce text not null, pact_id text not null,
          primary key (agent_id, nonce))`.execute(db)
      },
    },
  }
}
