import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import type { SchemaDb } from './schema.ts'

// bigint (int8) and numeric come back as strings: never silently as lossy JS numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => v)

export interface DbOptions {
  connectionString: string
  /** Pool size; a service needs few connections, a benchmark more. */
  max?: number
  applicationName?: string
}

/** A kysely instance over a pg pool. Callers pass it (or a transaction) explicitly. */
export function createDb<DB>(opts: DbOptions): Kysely<DB> {
  const pool = new pg.Pool({
    connectionString: opts.connectionString,
    max: opts.max ?? 10,
    application_name: opts.applicationName ?? 'tessera',
  })
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) })
}

/** Postgres identifiers we build SQL from must be plain lowercase names. */
export function assertSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`invalid schema name ${JSON.stringify(schema)}: use [a-z_][a-z0-9_]*`)
  }
  return schema
}

/** Cheap liveness probe for readiness checks. */
export async function pingDb(db: SchemaDb): Promise<void> {
  await sql`select 1`.execute(db)
}
