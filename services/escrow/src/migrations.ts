import { type Kysely, type Migration, sql } from 'kysely'

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
  }
}
