import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { migrateSchema, type SchemaDb } from '@tessera/event-store'
import { allMigrations } from '@tessera/service-kit'
import { freshSchema, type TestSchema } from '@tessera/testing'
import { guardian } from '../service.ts'

const DOCUMENTS = '2026_12_06_1400_agent_card_documents'
let t: TestSchema<unknown>
let db: SchemaDb

beforeAll(async () => {
  t = await freshSchema('guardian_card_docs')
  db = t.db as SchemaDb
})

afterAll(async () => {
  await t?.dispose()
})

describe('the agent_card_documents migration', () => {
  it('keeps every card served before it, so agent_cards is rebuildable from the log', async () => {
    const all = allMigrations(guardian, t.schema)
    const before = Object.fromEntries(Object.entries(all).filter(([name]) => name < DOCUMENTS))
    await migrateSchema(db, t.schema, before)
    const s = sql.id(t.schema)
    await sql`insert into ${s}.agent_cards (agent_id, org_id, card, card_hash, kid, published_at)
      values ('agt_1', 'org_1', '{"name":"old"}', 'hash-1', 'kid-1', now())`.execute(db)

    expect(await migrateSchema(db, t.schema, all)).toContain(DOCUMENTS)
    const { rows } = await sql`select card_hash, kid, card
      from ${s}.agent_card_documents`.execute(db)
    expect(rows).toEqual([{ card_hash: 'hash-1', kid: 'kid-1', card: '{"name":"old"}' }])
  })
})
