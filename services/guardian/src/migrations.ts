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
    '2026_11_22_1000_action_checks': {
      async up(db: Kysely<any>) {
        // The decision log: one row per answered check, written before the answer is sent.
        await sql`create table ${s}.action_checks (
          check_id text primary key,
          org_id text not null,
          agent_id text not null,
          session_id text,
          action text not null,
          tool_name text not null,
          tool_input_summary text,
          capability text not null,
          effect text not null,
          effect_source text not null,
          confidence real not null,
          decision text not null check (decision in ('allow', 'deny', 'elevation_required')),
          reason text not null,
          rule text not null,
          approval_id text,
          checked_at timestamptz not null)`.execute(db)
        await sql`create index action_checks_org_newest on ${s}.action_checks
          (org_id, checked_at desc, check_id desc)`.execute(db)
        await sql`create index action_checks_agent_newest on ${s}.action_checks
          (agent_id, checked_at desc, check_id desc)`.execute(db)
        await sql`create index action_checks_session on ${s}.action_checks (session_id)
          where session_id is not null`.execute(db)
        await sql`create function ${s}.action_checks_append_only() returns trigger
          language plpgsql as $$ begin
            raise exception 'action_checks is append-only (% refused)', tg_op;
          end $$`.execute(db)
        await sql`create trigger action_checks_append_only before update or delete
          on ${s}.action_checks for each row
          execute function ${s}.action_checks_append_only()`.execute(db)
        await sql`create trigger action_checks_no_truncate before truncate on ${s}.action_checks
          for each statement execute function ${s}.action_checks_append_only()`.execute(db)

        // Written with the approval's events.
        await sql`create table ${s}.approvals (
          approval_id text primary key,
          org_id text not null,
          agent_id text not null,
          session_id text,
          action text not null,
          action_name text not null,
          action_effect text not null,
          tool_input_summary text,
          check_id text not null,
          rule text not null,
          reason text not null,
          status text not null check (status in ('pending', 'approved', 'denied', 'expired')),
          requested_at timestamptz not null,
          expires_at timestamptz not null,
          decided_by text,
          decided_at timestamptz,
          deny_reason text,
          usable_until timestamptz,
          consumed_at timestamptz,
          consumed_by_check text)`.execute(db)
        // At most one pending approval per (agent, session, tool, effect): retries reuse it.
        await sql`create unique index approvals_one_pending on ${s}.approvals
          (org_id, agent_id, coalesce(session_id, ''), action_name, action_effect)
          where status = 'pending'`.execute(db)
        await sql`create index approvals_org_newest on ${s}.approvals
          (org_id, requested_at desc, approval_id desc)`.execute(db)
        await sql`create index approvals_pending_expiry on ${s}.approvals (expires_at)
          where status = 'pending'`.execute(db)

        // An org's rules for action checks, the current version (events hold every version).
        await sql`create table ${s}.guard_policies (
          org_id text primary key,
          version int not null,
          timezone text not null,
          approval_window_seconds int not null,
          rules jsonb not null,
          updated_at timestamptz not null)`.execute(db)

        // Every replica caches what checks read and drops an entry when its row changes:
        // NOTIFY is sent at COMMIT, to every listener, so a revocation reaches all replicas
        // in milliseconds. Counter updates do not notify (only the columns checks read).
        await sql`create function ${s}.guard_changed() returns trigger language plpgsql as $$
          begin
            perform pg_notify(tg_table_schema || '_guard', tg_table_name || ':' ||
              (case when tg_op = 'DELETE' then to_jsonb(old) else to_jsonb(new) end
                ->> tg_argv[0]));
            return null;
          end $$`.execute(db)
        await sql`create trigger agents_guard_changed
          after insert or delete or update of status, capabilities on ${s}.agents
          for each row execute function ${s}.guard_changed('agent_id')`.execute(db)
        await sql`create trigger sessions_guard_changed
          after insert or delete or update of status, mode, scope_ceiling on ${s}.sessions
          for each row execute function ${s}.guard_changed('session_id')`.execute(db)
        await sql`create trigger guard_policies_guard_changed
          after insert or delete or update on ${s}.guard_policies
          for each row execute function ${s}.guard_changed('org_id')`.execute(db)
      },
    },
    '2026_11_22_1100_delegations': {
      async up(db: Kysely<any>) {
        // Written with the delegation's events. A chain is a tree by parent_delegation_id; every
        // change to a tree locks its root row, so a revocation's cascade sees every child.
        await sql`create table ${s}.delegations (
          delegation_id text primary key,
          org_id text not null,
          from_agent_id text not null,
          to_agent_id text not null,
          scope text[] not null,
          parent_delegation_id text,
          root_delegation_id text not null,
          depth int not null check (depth >= 1),
          created_at timestamptz not null,
          expires_at timestamptz not null,
          revoked_at timestamptz,
          revoke_reason text check (revoke_reason in ('revoked', 'parent_revoked', 'agent_revoked')),
          revoke_note text,
          cascaded_from text)`.execute(db)
        // The org's delegations, newest first: the list endpoint's order and its cursor.
        await sql`create index delegations_org_newest on ${s}.delegations
          (org_id, created_at desc, delegation_id desc)`.execute(db)
        // A revocation's cascade walks down from parent to children.
        await sql`create index delegations_parent on ${s}.delegations (parent_delegation_id)
          where parent_delegation_id is not null`.execute(db)
        // An agent's revocation revokes the live delegations from and to it.
        await sql`create index delegations_from_live on ${s}.delegations (from_agent_id)
          where revoked_at is null`.execute(db)
        await sql`create index delegations_to_live on ${s}.delegations (to_agent_id)
          where revoked_at is null`.execute(db)
        // A session opened under a delegation ends with it: revoked at once, or at its expiry.
        await sql`alter table ${s}.sessions add column delegation_id text,
          add column expires_at timestamptz`.execute(db)
        await sql`create index sessions_delegation_active on ${s}.sessions (delegation_id)
          where status = 'active' and delegation_id is not null`.execute(db)
      },
    },
    '2026_11_22_1200_agent_cards': {
      async up(db: Kysely<any>) {
        // Written with AgentCardPublished; the row goes with AgentCardWithdrawn. `card` is the
        // signed card's JSON exactly as the public endpoint serves it.
        await sql`create table ${s}.agent_cards (
          agent_id text primary key,
          org_id text not null,
          card text not null,
          card_hash text not null,
          kid text not null,
          published_at timestamptz not null)`.execute(db)
        // Guardian's own card signing key when none is configured: one row, inserted by
        // whichever replica starts first (on conflict do nothing), read by all of them.
        await sql`create table ${s}.card_signing_keys (
          slot text primary key check (slot = 'default'),
          private_key_pem text not null,
          created_at timestamptz not null default now())`.execute(db)
      },
    },
    '2026_11_22_1400_api_key_changes': {
      async up(db: Kysely<any>) {
        // Action checks authenticate from the replica's cache: a revoked key must drop out too.
        await sql`create trigger api_keys_guard_changed
          after insert or delete or update of revoked_at, role on ${s}.api_keys
          for each row execute function ${s}.guard_changed('key_hash')`.execute(db)
      },
    },
    '2026_12_06_1300_approval_binding': {
      async up(db: Kysely<any>) {
        // An approval is bound to the canonical capability and a digest of the input, and
        // records the key that decided. Rows filed before have none of these: no check can
        // use them (they fail closed), and they lapse or are decided as before.
        await sql`alter table ${s}.approvals add column capability text,
          add column input_digest text, add column decided_by_key_id text,
          add column decided_by_user_id text`.execute(db)
        // One pending approval per bound action: retries of the same input reuse it.
        await sql`drop index ${s}.approvals_one_pending`.execute(db)
        await sql`create unique index approvals_one_pending_bound on ${s}.approvals
          (org_id, agent_id, coalesce(session_id, ''), capability, action_effect, input_digest)
          where status = 'pending' and input_digest is not null`.execute(db)
      },
    },
    '2026_12_06_1400_agent_card_documents': {
      async up(db: Kysely<any>) {
        // The signed cards, by the hash and key AgentCardPublished names: not events (like the
        // signing key), kept so that agent_cards is rebuilt from the log. Written before the
        // event, never changed; Ed25519 signs deterministically, so hash and key fix the JSON.
        await sql`create table ${s}.agent_card_documents (
          card_hash text not null,
          kid text not null,
          card text not null,
          primary key (card_hash, kid))`.execute(db)
        await sql`insert into ${s}.agent_card_documents (card_hash, kid, card)
          select card_hash, kid, card from ${s}.agent_cards
          on conflict do nothing`.execute(db)
      },
    },
    '2026_12_06_1500_action_checks_tx': {
      async up(db: Kysely<any>) {
        // The transaction that wrote each decision, so the decision relay publishes them in a
        // commit-safe order (as the outbox relay does with events). Rows written before it get
        // 0, which the relay starts after: decisions from before the relay stay off the bus.
        await sql`alter table ${s}.action_checks
          add column tx xid8 not null default '0'::xid8`.execute(db)
        await sql`alter table ${s}.action_checks
          alter column tx set default pg_current_xact_id()`.execute(db)
        await sql`create index action_checks_tx on ${s}.action_checks (tx)`.execute(db)
      },
    },
    '2026_12_06_1610_pact_bindings': {
      async up(db: Kysely<any>) {
        // Active pacts' parties and param bindings, bus-fed from PACTS (PactAccepted,
        // PactRegistered), for checks that name a pact. Immutable once written.
        await sql`create table ${s}.pact_bindings (
          pact_id text primary key, pact_hash text not null,
          buyer_agent_id text not null, buyer_org_id text not null,
          seller_agent_id text not null, seller_org_id text not null,
          conditions jsonb not null, activated_at timestamptz not null)`.execute(db)
      },
    },
  }
}
