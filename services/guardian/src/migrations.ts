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
  }
}
