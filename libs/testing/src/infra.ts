import { randomBytes } from 'node:crypto'
import { type Kysely, sql } from 'kysely'
import { createDb } from '@tessera/event-store'

/** Postgres for integration tests: `TESSERA_TEST_DATABASE_URL`, else the local `test` db. */
export function testDatabaseUrl(): string {
  return process.env['TESSERA_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test'
}

/** NATS for integration tests: `TESSERA_TEST_NATS_URL`, else the local server. */
export function testNatsUrl(): string {
  return process.env['TESSERA_TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222'
}

/** A short random lowercase tag, for names that must not collide across parallel runs. */
export function uniqueTag(bytes = 4): string {
  return randomBytes(bytes).toString('hex')
}

export interface TestSchema<DB> {
  db: Kysely<DB>
  schema: string
  /** Drops the schema and closes the pool. */
  dispose(): Promise<void>
}

/** A fresh Postgres schema of its own for one test file; nothing is shared with other runs. */
export async function freshSchema<DB = unknown>(
  label: string,
  poolSize = 10,
): Promise<TestSchema<DB>> {
  const schema = `t_${label}_${uniqueTag()}`.toLowerCase().replace(/[^a-z0-9_]/g, '_')
  const db = createDb<DB>({ connectionString: testDatabaseUrl(), max: poolSize })
  await sql`create schema ${sql.id(schema)}`.execute(db)
  return {
    db,
    schema,
    async dispose() {
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db)
      await db.destroy()
    },
  }
}

/** A stream/subject prefix of its own, e.g. `T3F9A01B2_`, so JetStream leftovers never collide. */
export function freshStreamPrefix(): string {
  return `T${uniqueTag().toUpperCase()}_`
}

/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  { timeoutMs = 10_000, intervalMs = 50, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let lastError: unknown
  for (;;) {
    try {
      const v = await check()
      if (v !== undefined) return v
    } catch (err) {
      lastError = err
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: lastError })
    }
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}
