import { type Kysely, type Migration, sql } from 'kysely'

export function disputeMigrations(schema: string): Record<string, Migration> {
  const s = sql.id(schema)
  return {
    '2026_12_06_1400_disputes': {
      async up(db: Kysely<any>) {
        // Inline, from jury's own dispute events: one row per dispute, its latest state.
        await sql`create table ${s}.disputes (
          dispute_id text primary key, escrow_id text not null, pact_id text not null,
          buyer jsonb not null, seller jsonb not null,
          buyer_org_id text not null, seller_org_id text not null,
          claimant text not null, disputed_by text not null, reason text not null,
          amount text not null, status text not null,
          opened_at timestamptz not null, respond_by timestamptz not null,
          responded_at timestamptz, round int not null, attempt int not null,
          verdict jsonb, appealable_until timestamptz, appeal jsonb,
          updated_at timestamptz not null)`.execute(db)
        await sql`create index disputes_buyer_org on ${s}.disputes (buyer_org_id, dispute_id)`.execute(
          db,
        )
        await sql`create index disputes_seller_org on ${s}.disputes (seller_org_id, dispute_id)`.execute(
          db,
        )
        // Inline, from PanelSat: every seat of every panel, for the judge record (coherence).
        await sql`create table ${s}.judge_votes (
          dispute_id text not null, round int not null, attempt int not null,
          judge_id text not null, judge_config text not null,
          provider text not null, model text not null,
          buyer_org_id text not null, seller_org_id text not null,
          release_percentage numeric, excluded_reason text, coherent boolean,
          sat_at timestamptz not null,
          primary key (dispute_id, round, attempt, judge_id))`.execute(db)
        // Bus-fed from PACTS (PactAccepted / PactRegistered): the signed terms, for evidence.
        await sql`create table ${s}.jury_pacts (
          pact_id text primary key, pact_hash text not null, terms jsonb not null,
          buyer jsonb not null, seller jsonb not null,
          buyer_signature text not null, seller_signature text not null,
          activated_at timestamptz not null)`.execute(db)
        // Bus-fed from ESCROW (CompletionSubmitted): the deliverable and condition results.
        await sql`create table ${s}.jury_completions (
          escrow_id text primary key, pact_id text not null, completion jsonb not null,
          submitted_at timestamptz not null)`.execute(db)
      },
    },
    '2026_12_06_1410_room_excerpts': {
      async up(db: Kysely<any>) {
        // Bus-fed from PACTS and ESCROW: what happened under a pact, for the evidence package.
        await sql`create table ${s}.jury_room_excerpts (
          event_id text primary key, pact_id text not null, context text not null,
          type text not null, occurred_at timestamptz not null, summary jsonb not null)`.execute(db)
        await sql`create index jury_room_excerpts_pact on ${s}.jury_room_excerpts (pact_id)`.execute(
          db,
        )
      },
    },
  }
}
