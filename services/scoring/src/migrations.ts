import { type Kysely, type Migration, sql } from 'kysely'

export function scoringMigrations(schema: string): Record<string, Migration> {
  const s = sql.id(schema)
  return {
    '2026_11_21_1000_trust_profiles': {
      async up(db: Kysely<any>) {
        await sql`create table ${s}.trust_profiles (
          subject_kind text not null, subject_id text not null,
          score int not null, model_version text not null, reasons jsonb not null,
          updated_at timestamptz not null,
          primary key (subject_kind, subject_id))`.execute(db)
      },
    },
  }
}
