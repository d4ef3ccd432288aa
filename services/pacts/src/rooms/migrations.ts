import { type Kysely, type Migration, sql } from 'kysely'

/** The room ledger's tables, and the lock that keeps a room's order the log's order. */
export function roomsMigrations(schema: string): Record<string, Migration> {
  const s = sql.id(schema)
  return {
    '2026_12_06_1100_room_ledger': {
      async up(db: Kysely<any>) {
        // Rooms were one default per org (from OrgCreated); now every pact has one, id = pactId.
        await sql`drop table if exists ${s}.rooms`.execute(db)
        // The head row: appends lock it, so entries of one room are chained one at a time.
        await sql`create table ${s}.rooms (
          room_id text primary key,
          buyer_org_id text, seller_org_id text,
          entry_count int not null, head_hash text not null,
          opened_at timestamptz not null, updated_at timestamptz not null)`.execute(db)
        await sql`create index rooms_buyer_org on ${s}.rooms (buyer_org_id)`.execute(db)
        await sql`create index rooms_seller_org on ${s}.rooms (seller_org_id)`.execute(db)
        await sql`create table ${s}.room_entries (
          room_id text not null, seq int not null,
          event_id text not null, context text not null, type text not null,
          data jsonb not null, occurred_at timestamptz not null,
          prev_hash text not null, entry_hash text not null,
          primary key (room_id, seq), unique (room_id, event_id))`.execute(db)
        await sql`create table ${s}.room_checkpoints (
          room_id text not null, entry_count int not null, head_hash text not null,
          signed_at timestamptz not null, key_id text not null, signature text not null,
          primary key (room_id, entry_count))`.execute(db)
        // Not a projection: the service's checkpoint keys. Public halves stay after retirement;
        // a secret is kept only for the key generated on first boot when none is configured.
        await sql`create table ${s}.room_signing_keys (
          key_id text primary key, public_key text not null, secret_key text,
          origin text not null check (origin in ('generated', 'configured')),
          created_at timestamptz not null default now(), retired_at timestamptz)`.execute(db)
        await sql`create unique index room_signing_keys_one_generated
          on ${s}.room_signing_keys (origin) where origin = 'generated'`.execute(db)
        // A room's entries are chained in the order their events took the room's lock, and a
        // rebuild replays the log by position: so an event about a pact takes the lock when it
        // is inserted and only then gets its position. Two transactions appending to one room
        // then hold positions in the order they chain, and the rebuild gives the same chain.
        await sql`create function ${s}.events_room_order() returns trigger language plpgsql as $$
          begin
            perform pg_advisory_xact_lock(hashtextextended('tessera.room:' || (new.data->>'pactId'), 0));
            new.position := nextval(pg_get_serial_sequence(
              quote_ident(tg_table_schema) || '.' || quote_ident(tg_table_name), 'position'));
            return new;
          end $$`.execute(db)
        await sql`create trigger events_room_order before insert on ${s}.events
          for each row when (jsonb_typeof(new.data->'pactId') = 'string')
          execute function ${s}.events_room_order()`.execute(db)
      },
    },
  }
}
