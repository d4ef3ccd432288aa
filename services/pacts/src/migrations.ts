import { type Kysely, type Migration, sql } from 'kysely'
import { roomsMigrations } from './rooms/migrations.ts'
import { pactMigrations } from './pacts/migrations/2026_12_06_1000_pacts.ts'

export function pactsMigrations(schema: string): Record<string, Migration> {
  const s = sql.id(schema)
  return {
    '2026_11_21_1000_rooms': {
      async up(db: Kysely<any>) {
        // Fed by pacts' own RoomOpened (one default room per org); replaced by the room ledger.
        await sql`create table ${s}.rooms (
          room_id text primary key, org_id text not null, name text not null,
          opened_at timestamptz not null)`.execute(db)
        await sql`create index rooms_org_id on ${s}.rooms (org_id)`.execute(db)
      },
    },
    ...roomsMigrations(schema),
    ...pactMigrations(s),
  }
}
