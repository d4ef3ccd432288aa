import { sql } from 'kysely'
import { expect } from 'vitest'
import type { SchemaDb } from '@tessera/event-store'
import { type InlineProjection, rebuildInlineProjection } from '@tessera/service-kit'

/** Every row of each table, as JSON, in a stable order: what a rebuild must reproduce. */
export async function snapshotTables(
  db: SchemaDb,
  schema: string,
  tables: readonly string[],
): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {}
  for (const table of tables) {
    const { rows } = await sql<{ row: unknown }>`select to_jsonb(t) as row
      from ${sql.id(schema)}.${sql.id(table)} t order by to_jsonb(t)::text`.execute(db)
    out[table] = rows.map((r) => r.row)
  }
  return out
}

/**
 * Snapshots the tables the inline projections wrote live, rebuilds each from position 0, and
 * expects the same rows, column for column. Returns the live rows' count per table, so a test
 * can assert its history reached every table (an empty table proves nothing).
 */
export async function expectRebuildEqualsLive(
  db: SchemaDb,
  schema: string,
  projections: readonly InlineProjection[],
): Promise<Record<string, number>> {
  const tables = projections.flatMap((p) => p.tables)
  const live = await snapshotTables(db, schema, tables)
  for (const projection of projections) {
    await rebuildInlineProjection({ db, schema, projection })
  }
  const rebuilt = await snapshotTables(db, schema, tables)
  for (const table of tables) {
    expect(rebuilt[table], `${table} rebuilt from the log`).toEqual(live[table])
  }
  return Object.fromEntries(tables.map((t) => [t, live[t]?.length ?? 0]))
}
