import { sql } from 'kysely'
import type { SchemaDb } from '@tessera/event-store'

const DAY_MS = 86_400_000

/** `telemetry_events_20261121` for the UTC day of `at`. */
export function partitionName(at: Date): string {
  return `telemetry_events_${at.toISOString().slice(0, 10).replaceAll('-', '')}`
}

/**
 * Creates the daily partitions from yesterday to `daysAhead` days ahead, if missing. Runs at
 * start and hourly; replicas racing to create the same partition are harmless.
 */
export async function ensurePartitions(db: SchemaDb, schema: string, now: Date, daysAhead = 2) {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS
  const created: string[] = []
  for (let d = -1; d <= daysAhead; d++) {
    const from = new Date(today + d * DAY_MS)
    const to = new Date(today + (d + 1) * DAY_MS)
    const name = partitionName(from)
    const { rows } = await sql<{ exists: boolean }>`
      select to_regclass(${`${schema}.${name}`}) is not null as exists`.execute(db)
    if (rows[0]?.exists) continue
    try {
      await sql`create table ${sql.id(schema, name)} partition of ${sql.id(schema, 'telemetry_events')}
        for values from (${sql.lit(from.toISOString())}) to (${sql.lit(to.toISOString())})`.execute(
        db,
      )
      created.push(name)
    } catch (err) {
      // 42P07: another replica created it first.
      if ((err as { code?: string }).code !== '42P07') throw err
    }
  }
  return created
}
