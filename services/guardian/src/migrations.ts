import { type Kysely, type Migration, sql } from 'kysely'

export function guardianMigrations(schema: string): Record<string, Migration> {
  const s = sql.id(schema)
  return {
    '2026_11_21_1000_orgs': {
      async up(db: Kysely<any>) {
        // Written in the same transaction as the org's events: guardian reads its own writes.
        await sql`create table ${s}.orgs (
          org_id text primary key, name text not null, created_at timestamptz not null)`.execute(db)
        // Fed by scoring's ScoreChanged: the org's current trust score as guardian last heard it.
        await sql`create table ${s}.org_scores (
          org_id text primary key, score int not null, model_version text not null,
          updated_at timestamptz not null default now())`.execute(db)
      },
    },
    '2026_11_21_2310_agents': {
      async up(db: Kysely<any>) {
        // Written in the same transaction as the agent's events, like orgs.
        await sql`create table ${s}.agents (
          agent_id text primary key,
          org_id text not null,
          name text not null,
          framework text not null,
          capabilities jsonb not null,
          metadata jsonb not null default '{}',
          public_key text,
          did text,
          -- Arden's /api/events finds an agent by handle alone, with no org: unique everywhere.
          handle text not null constraint agents_handle_key unique,
          status text not null check (status in ('active', 'revoked')),
          created_at timestamptz not null,
          revoked_at timestamptz,
          revoked_reason text)`.execute(db)
        // An org's agents, newest first: the list endpoint's order and its cursor.
        await sql`create index agents_org_newest on ${s}.agents
          (org_id, created_at desc, agent_id desc)`.execute(db)
      },
    },
    '2026_11_22_0010_capability_tokens': {
      async up(db: Kysely<any>) {
        // Written with the token's events; introspection looks a token up by its hash.
        await sql`create table ${s}.capability_tokens (
          token_hash text primary key,
          token_id text not null unique,
          agent_id text not null,
          org_id text not null,
          scopes text[] not null,
          audience text[] not null,
          issued_at timestamptz not null,
          expires_at timestamptz not null,
          revoked_at timestamptz)`.execute(db)
        await sql`create index capability_tokens_agent on ${s}.capability_tokens (agent_id)`.execute(
          db,
        )
      },
    },
    '2026_11_22_0020_sessions': {
      async up(db: Kysely<any>) {
        // Written with the session's events; action checks will bump the counters.
        await sql`create table ${s}.sessions (
          session_id text primary key,
          agent_id text not null,
          org_id text not null,
          server_id text not null,
          mode text not null check (mode in ('open', 'restricted', 'supervised')),
          scope_ceiling text[] not null,
          status text not null check (status in ('active', 'closed')),
          total_calls bigint not null default 0,
          denied_calls bigint not null default 0,
          started_at timestamptz not null,
          closed_at timestamptz,
          close_reason text)`.execute(db)
        await sql`create index sessions_agent_active on ${s}.sessions (agent_id)
          where status = 'active'`.execute(db)
      },
    },
  }
}
