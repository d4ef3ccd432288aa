import { sql } from 'kysely'
import type { TelemetryPage } from '@tessera/contracts'
import type { SchemaDb } from '@tessera/event-store'
import { ValidationFailed, isQueryTime } from '@tessera/service-kit'
import { RECORD_COLUMNS, type RecordRow, toRecord } from '../log/fan-out.ts'

interface PageQuery {
  limit: number
  cursor?: string | undefined
}

export async function sessionTelemetry(
  db: SchemaDb,
  schema: string,
  orgId: string,
  sessionId: string,
  q: PageQuery,
): Promise<TelemetryPage> {
  const after = q.cursor ? decodeCursor(q.cursor).e : null
  const { rows } = await sql<RecordRow>`
    select ${sql.raw(RECORD_COLUMNS)} from ${sql.id(schema)}.telemetry_events
    where org_id = ${orgId} and session_id = ${sessionId}
      ${after ? sql`and event_id > ${after}::uuid` : sql``}
    order by event_id limit ${q.limit + 1}`.execute(db)
  return page(rows, q.limit, (last) => ({ e: last.event_id }))
}

export async function agentTelemetry(
  db: SchemaDb,
  schema: string,
  orgId: string,
  agentId: string,
  q: PageQuery & { from?: string | undefined; to?: string | undefined; type?: string | undefined },
): Promise<TelemetryPage> {
  const after = q.cursor ? decodeCursor(q.cursor) : null
  if (after && !after.o) throw ValidationFailed('cursor does not belong to this query')
  const { rows } = await sql<RecordRow>`
    select ${sql.raw(RECORD_COLUMNS)} from ${sql.id(schema)}.telemetry_events
    where org_id = ${orgId} and agent_id = ${agentId}
      ${q.from ? sql`and occurred_at >= ${q.from}::timestamptz` : sql``}
      ${q.to ? sql`and occurred_at < ${q.to}::timestamptz` : sql``}
      ${q.type ? sql`and type = ${q.type}` : sql``}
      ${after ? sql`and (occurred_at, event_id) > (${after.o}::timestamptz, ${after.e}::uuid)` : sql``}
    order by occurred_at, event_id limit ${q.limit + 1}`.execute(db)
  return page(rows, q.limit, (last) => ({ o: last.occurred_at.toISOString(), e: last.event_id }))
}

export async function agentInOrg(db: SchemaDb, schema: string, orgId: string, agentId: string) {
  const { rows } = await sql`select 1 from ${sql.id(schema)}.known_agents
    where agent_id = ${agentId} and org_id = ${orgId}`.execute(db)
  return rows.length > 0
}

interface Cursor {
  e: string
  o?: string
}

function page(
  rows: RecordRow[],
  limit: number,
  cursorOf: (last: RecordRow) => Cursor,
): TelemetryPage {
  const items = rows.slice(0, limit)
  const last = items.at(-1)
  const nextCursor =
    rows.length > limit && last
      ? Buffer.from(JSON.stringify(cursorOf(last))).toString('base64url')
      : null
  return { items: items.map(toRecord), nextCursor }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

function decodeCursor(cursor: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<Cursor>
    if (
      typeof c.e === 'string' &&
      UUID.test(c.e) &&
      (c.o === undefined || (typeof c.o === 'string' && isQueryTime(c.o)))
    ) {
      return c as Cursor
    }
  } catch {
    // fall through
  }
  throw ValidationFailed('cursor is not one this API returned')
}
