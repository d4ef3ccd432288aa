import { jetstreamManager } from '@nats-io/jetstream'
import { sql } from 'kysely'
import { type TelemetryRecord, type TelemetryRecordsMessage, streamName } from '@tessera/contracts'
import { eventually } from '@tessera/testing'
import type { IngestHarness } from './ingest-harness.ts'

/** A stored row of the telemetry log, as the tests read it back. */
export interface StoredRow {
  event_id: string
  org_id: string
  agent_id: string
  protocol: string
  type: string
  session_id: string | null
  pact_id: string | null
  occurred_at: Date
  data: Record<string, unknown>
}

/** The stored rows of these event ids, in the order of `ids` (missing ids are left out). */
export async function rowsById(h: IngestHarness, ids: readonly string[]): Promise<StoredRow[]> {
  if (ids.length === 0) return []
  const { rows } = await sql<StoredRow>`
    select event_id, org_id, agent_id, protocol, type, session_id, pact_id, occurred_at, data
    from ${sql.id(h.schema, 'telemetry_events')} where event_id = any(${ids}::uuid[])`.execute(h.db)
  const byId = new Map(rows.map((r) => [r.event_id, r]))
  return ids.flatMap((id) => byId.get(id) ?? [])
}

/** The one stored row of an event id; fails the test when it is not stored. */
export async function rowOf(h: IngestHarness, id: string): Promise<StoredRow> {
  const [row] = await rowsById(h, [id])
  if (!row) throw new Error(`event ${id} is not in telemetry_events`)
  return row
}

/** Waits until every id is on the TELEMETRY stream, and returns those records. */
export async function recordsOnStream(
  h: IngestHarness,
  ids: readonly string[],
): Promise<TelemetryRecord[]> {
  const jsm = await jetstreamManager(h.nc)
  const stream = streamName('telemetry', h.prefix)
  return eventually(
    async () => {
      const found = new Map<string, TelemetryRecord>()
      const { state } = await jsm.streams.info(stream)
      for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
        const m = await jsm.streams.getMessage(stream, { seq })
        if (!m?.subject.endsWith('.records.batch')) continue
        for (const r of m.json<TelemetryRecordsMessage>().records) found.set(r.eventId, r)
      }
      return ids.every((id) => found.has(id)) ? ids.map((id) => found.get(id)!) : undefined
    },
    { what: 'records on TELEMETRY' },
  )
}

/** An Arden v1 event for an agent, with overrides (`undefined` removes a field). */
export function ardenEvent(
  handle: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const event: Record<string, unknown> = {
    agent: `A-${handle}`,
    time: 1_700_000_000_000,
    bid: 1000,
    data: { task: 'review' },
  }
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete event[k]
    else event[k] = v
  }
  return event
}

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, s)).toISOString()

/** One event of each telemetry type for a session, at distinct seconds of 2026-01-01T12:00. */
export function sessionEvents(agentId: string, sessionId: string, pactId?: string) {
  const pact = pactId ? { pactId } : {}
  return {
    start: { type: 'session_start', sessionId, agentId, startedAt: at(1), ...pact },
    call: {
      type: 'tool_call',
      sessionId,
      agentId,
      tool: 'web.search',
      params: { q: 'weather' },
      outcome: 'success',
      latencyMs: 12,
      attemptedAt: at(2),
      ...pact,
    },
    response: {
      type: 'response',
      sessionId,
      agentId,
      outcome: 'success',
      respondedAt: at(3),
      ...pact,
    },
    end: { type: 'session_end', sessionId, agentId, endedAt: at(4), outcome: 'success' },
  }
}

/** A tool call of an agent in a session, at `attemptedAt`, with these params. */
export function toolCall(
  agentId: string,
  sessionId: string,
  params: Record<string, unknown> = {},
  attemptedAt = at(0),
) {
  return {
    type: 'tool_call',
    sessionId,
    agentId,
    tool: 'db.query',
    params,
    outcome: 'success',
    latencyMs: 3,
    attemptedAt,
  }
}

/** A UUID of version 7 (time-ordered), as the server assigns event ids. */
export const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

/** `PUT` a JSON body with a key, like `h.post`. */
export async function put<T = Record<string, unknown>>(
  h: IngestHarness,
  path: string,
  body: unknown,
  key: string,
) {
  const res = await fetch(`${h.url}${path}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as T }
}
