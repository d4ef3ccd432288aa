import { type Kysely, type Migration, type RawBuilder, sql } from 'kysely'
import { escrowLifecycleMigrations } from './escrows/migrations/2026_12_06_1600_escrows.ts'

export function escrowMigrations(schema: string): Record<string, Migration> {
  const s = sql.id(schema)
  return {
    '2026_11_21_1000_accounts': {
      async up(db: Kysely<any>) {
        // Fed by escrow's own AccountOpened. Balances are integer µUSDC: numeric, never float.
        await sql`create table ${s}.accounts (
          account_id text primary key, org_id text not null, currency text not null,
          balance numeric(38,0) not null, opened_at timestamptz not null)`.execute(db)
        await sql`create index accounts_org_id on ${s}.accounts (org_id)`.execute(db)
      },
    },
    '2026_12_06_1300_ledger': { up: (db: Kysely<any>) => ledgerTables(db, s) },
    ...escrowLifecycleMigrations(s),
    '2026_12_06_1700_bond_accounts': {
      // An agent's bond is a ledger account of its own, in its org (docs/bonds.md).
      async up(db: Kysely<any>) {
        await sql`alter table ${s}.ledger_accounts drop constraint ledger_accounts_kind_check,
          add constraint ledger_accounts_kind_check
            check (kind in ('agent', 'org', 'platform', 'bond'))`.execute(db)
      },
    },
    '2026_12_06_1701_seller_escrows': {
      // Which escrows each seller has open: a bond is not withdrawn from under them.
      async up(db: Kysely<any>) {
        await sql`create table ${s}.seller_escrows (escrow_id text primary key,
          seller_agent_id text not null, open boolean not null,
          created_at timestamptz not null, closed_at timestamptz)`.execute(db)
        await sql`create index seller_escrows_open on ${s}.seller_escrows (seller_agent_id)
          where open`.execute(db)
      },
    },
    '2026_12_06_1702_drop_seller_escrows': {
      // A bond withdrawal reads the lifecycle's own `escrows` table now; this copy is gone.
      async up(db: Kysely<any>) {
        await sql`drop table ${s}.seller_escrows`.execute(db)
        await sql`create index escrows_seller_agent on ${s}.escrows (seller_agent_id)`.execute(db)
      },
    },
  }
}

/**
 * The ledger of record (docs/ledger.md): not a projection, never rebuilt. The database holds
 * what the code promises too: no negative balance beyond an account's flags, transfers that are
 * never changed (a pending one's status once), and one resolution per pending transfer.
 */
async function ledgerTables(db: Kysely<any>, s: RawBuilder<unknown>) {
  await sql`create table ${s}.ledger_accounts (
    account_id text primary key,
    org_id text,
    kind text not null check (kind in ('agent', 'org', 'platform')),
    debits_must_not_exceed_credits boolean not null,
    credits_must_not_exceed_debits boolean not null,
    debits_pending numeric(38,0) not null default 0 check (debits_pending >= 0),
    debits_posted numeric(38,0) not null default 0 check (debits_posted >= 0),
    credits_pending numeric(38,0) not null default 0 check (credits_pending >= 0),
    credits_posted numeric(38,0) not null default 0 check (credits_posted >= 0),
    opened_at timestamptz not null,
    check (kind = 'platform' or org_id is not null),
    check (not debits_must_not_exceed_credits
      or debits_pending + debits_posted <= credits_posted),
    check (not credits_must_not_exceed_debits
      or credits_pending + credits_posted <= debits_posted))`.execute(db)
  await sql`create index ledger_accounts_org_id on ${s}.ledger_accounts (org_id)`.execute(db)
  await sql`create table ${s}.ledger_transfers (
    seq bigint generated always as identity unique,
    transfer_id text primary key,
    kind text not null
      check (kind in ('single_phase', 'pending', 'post_pending', 'void_pending', 'expire_pending')),
    debit_account_id text not null references ${s}.ledger_accounts,
    credit_account_id text not null references ${s}.ledger_accounts,
    amount numeric(38,0) not null check (amount > 0),
    pending_id text references ${s}.ledger_transfers,
    timeout_seconds integer not null check (timeout_seconds >= 0),
    expires_at timestamptz,
    status text check (status in ('pending', 'posted', 'voided', 'expired')),
    code text not null,
    linked boolean not null,
    event_id uuid,
    at timestamptz not null,
    -- both accounts' [debits_pending, debits_posted, credits_pending, credits_posted] after it
    debit_after numeric(38,0)[] not null,
    credit_after numeric(38,0)[] not null,
    check (debit_account_id <> credit_account_id),
    check ((kind = 'pending') = (status is not null)),
    check ((kind in ('post_pending', 'void_pending', 'expire_pending')) = (pending_id is not null)))`.execute(
    db,
  )
  // A pending transfer resolves once: post, void or expiry, whoever comes first.
  await sql`create unique index ledger_transfers_resolves_once
    on ${s}.ledger_transfers (pending_id) where pending_id is not null`.execute(db)
  await sql`create index ledger_transfers_debit on ${s}.ledger_transfers (debit_account_id, seq)`.execute(
    db,
  )
  await sql`create index ledger_transfers_credit on ${s}.ledger_transfers (credit_account_id, seq)`.execute(
    db,
  )
  await sql`create index ledger_transfers_due on ${s}.ledger_transfers (expires_at)
    where status = 'pending' and expires_at is not null`.execute(db)
  await sql`create function ${s}.ledger_transfers_immutable() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and old.status = 'pending' and new.status <> 'pending'
        and (to_jsonb(new) - 'status') = (to_jsonb(old) - 'status') then
        return new;
      end if;
      raise exception 'ledger transfers are immutable (% of %)', tg_op, old.transfer_id
        using errcode = 'P0001';
    end $$`.execute(db)
  await sql`create trigger ledger_transfers_immutable before update or delete
    on ${s}.ledger_transfers for each row execute function ${s}.ledger_transfers_immutable()`.execute(
    db,
  )
  await sql`insert into ${s}.ledger_accounts (account_id, org_id, kind,
      debits_must_not_exceed_credits, credits_must_not_exceed_debits, opened_at)
    values ('rail_internal', null, 'platform', false, false, '2026-12-06T13:00:00Z'),
      ('platform_escrow', null, 'platform', true, false, '2026-12-06T13:00:00Z'),
      ('platform_fees', null, 'platform', true, false, '2026-12-06T13:00:00Z'),
      ('platform_slashed_bonds', null, 'platform', true, false, '2026-12-06T13:00:00Z')`.execute(db)
  // Orgs provisioned before the ledger existed: their AccountOpened is in the log.
  await sql`insert into ${s}.ledger_accounts (account_id, org_id, kind,
      debits_must_not_exceed_credits, credits_must_not_exceed_debits, opened_at)
    select data->>'accountId', data->>'orgId', 'org', true, false,
      (metadata->>'occurredAt')::timestamptz
    from ${s}.events where type = 'AccountOpened'
    on conflict (account_id) do nothing`.execute(db)
}
