import { type Kysely, type Migration, sql } from 'kysely'
import { disputeMigrations } from './disputes/migrations.ts'

export function juryMigrations(schema: string): Record<string, Migration> {
  const s = sql.id(schema)
  return {
    '2026_11_21_1000_jury_policies': {
      async up(db: Kysely<any>) {
        // Fed by jury's own JuryPolicySet: one row per org, the latest policy.
        await sql`create table ${s}.jury_policies (
          org_id text primary key, judges int not null, trimmed_per_side int not null,
          updated_at timestamptz not null)`.execute(db)
      },
    },
    ...disputeMigrations(schema),
  }
}
