import { type Kysely, type Migration, sql } from 'kysely'

export function ingestMigrations(schema: string): Record<string, Migration> {
  const s = sql.id(schema)
  return {
    '2026_11_21_1000_redaction_policies': {
      async up(db: Kysely<any>) {
        // Fed by ingest's own RedactionPolicySet: one row per org, the latest policy.
        await sql`create table ${s}.redaction_policies (
          org_id text primary key, drop_keys text[] not null, hash_keys text[] not null,
          updated_at timestamptz not null)`.execute(db)
      },
    },
  }
}
