import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { TelemetryBatchResponse } from '@tessera/contracts'
import { IngestHarness, type TestAgent, type TestKey } from '../testing/ingest-harness.ts'
import { rowsById, sessionEvents, toolCall } from '../testing/telemetry-fixtures.ts'

/** `POST /v1/telemetry/batch`: auth, the four event types, per-event rejection, batch shape. */

let h: IngestHarness
let key: TestKey
let other: TestKey
let agent: TestAgent
let foreign: TestAgent

beforeAll(async () => {
  h = await IngestHarness.start()
  key = await h.org()
  other = await h.org()
  agent = await h.agent(key.orgId)
  foreign = await h.agent(other.orgId)
})
afterAll(async () => {
  await h?.stop()
})

const send = (events: unknown[], batchId: string = randomUUID(), apiKey = key.apiKey) =>
  h.post<TelemetryBatchResponse>('/v1/telemetry/batch', { batchId, events }, { key: apiKey })
const inSession = (sessionId: string) => h.count('telemetry_events', sql`session_id = ${sessionId}`)

describe('telemetry batch authentication', () => {
  it('refuses a batch without a key with 401 AUTH_FAILED, storing nothing', async () => {
    const sessionId = randomUUID()
    const res = await h.post('/v1/telemetry/batch', {
      batchId: 'b',
      events: [sessionEvents(agent.agentId, sessionId).start],
    })
    expect(res.status).toBe(401)
    expect(res.body).toMatchObject({ code: 'AUTH_FAILED' })
    expect(await inSession(sessionId)).toBe(0)
  })

  it('refuses a batch with an unknown key with 401 AUTH_FAILED', async () => {
    const res = await send(
      [sessionEvents(agent.agentId, randomUUID()).start],
      'b',
      'tsk_live_neverissuedneverissued0000',
    )
    expect(res.status).toBe(401)
    expect(res.body).toMatchObject({ code: 'AUTH_FAILED' })
  })
})

describe('telemetry batch events', () => {
  it('accepts all four types and stores each with its type, session, time and pact', async () => {
    const sessionId = randomUUID()
    const s = sessionEvents(agent.agentId, sessionId, 'pact-42')
    const batchId = randomUUID()
    const res = await send([s.start, s.call, s.response, s.end], batchId)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      batchId,
      status: 'accepted',
      acceptedCount: 4,
      rejectedCount: 0,
      rejected: [],
    })
    const rows = await rowsById(h, res.body.eventIds)
    expect(
      rows.map((r) => ({
        type: r.type,
        session: r.session_id,
        at: r.occurred_at.toISOString(),
        pact: r.pact_id,
        org: r.org_id,
        agent: r.agent_id,
        protocol: r.protocol,
      })),
    ).toEqual(
      [
        ['session_start', s.start.startedAt, 'pact-42'],
        ['tool_call', s.call.attemptedAt, 'pact-42'],
        ['response', s.response.respondedAt, 'pact-42'],
        ['session_end', s.end.endedAt, null],
      ].map(([type, at, pact]) => ({
        type,
        session: sessionId,
        at,
        pact,
        org: key.orgId,
        agent: agent.agentId,
        protocol: 'telemetry',
      })),
    )
    expect(rows[1]!.data).toMatchObject({
      tool: 'web.search',
      params: { q: 'weather' },
      latencyMs: 12,
    })
  })

  it('stores a time sent with an offset as the same instant in UTC', async () => {
    const start = {
      ...sessionEvents(agent.agentId, randomUUID()).start,
      startedAt: '2026-03-01T14:30:00+02:00',
    }
    const res = await send([start])
    const [row] = await rowsById(h, res.body.eventIds)
    expect(row!.occurred_at.toISOString()).toBe('2026-03-01T12:30:00.000Z')
  })

  it('rejects each bad event at its index and stores the rest: 207 partial', async () => {
    const sessionId = randomUUID()
    const revoked = await h.agent(key.orgId)
    await h.revoke(revoked)
    const good = sessionEvents(agent.agentId, sessionId)
    const res = await send([
      good.start,
      { ...good.call, sessionId: undefined },
      sessionEvents(foreign.agentId, sessionId).start,
      sessionEvents(revoked.agentId, sessionId).start,
      sessionEvents('agt_00000000000000000000000000', sessionId).start,
      { ...good.call, outcome: 'maybe' },
      toolCall(agent.agentId, sessionId, { blob: 'x'.repeat(9000) }),
      good.end,
    ])
    expect(res.status).toBe(207)
    expect(res.body.status).toBe('partial')
    expect(res.body.rejected.map((r) => [r.index, r.code])).toEqual([
      [1, 'VALIDATION_ERROR'],
      [2, 'UNKNOWN_AGENT'],
      [3, 'AGENT_REVOKED'],
      [4, 'UNKNOWN_AGENT'],
      [5, 'VALIDATION_ERROR'],
      [6, 'EVENT_TOO_LARGE'],
    ])
    for (const r of res.body.rejected) expect(r.message).toEqual(expect.any(String) as string)
    expect(res.body.acceptedCount).toBe(2)
    expect((await rowsById(h, res.body.eventIds)).map((r) => r.type)).toEqual([
      'session_start',
      'session_end',
    ])
    expect(await inSession(sessionId)).toBe(2)
  })

  it("treats another org's agent exactly like one that does not exist", async () => {
    const res = await send([sessionEvents(foreign.agentId, randomUUID()).start])
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({
      status: 'rejected',
      acceptedCount: 0,
      rejectedCount: 1,
      eventIds: [],
    })
    expect(res.body.rejected[0]!.code).toBe('UNKNOWN_AGENT')
    expect(res.body.rejected[0]!.message).not.toContain(other.orgId)
  })

  it('answers 400 rejected when no event is accepted', async () => {
    const res = await send([
      { type: 'unknown' },
      { ...sessionEvents(agent.agentId, 's').start, startedAt: 'yesterday' },
    ])
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({
      status: 'rejected',
      acceptedCount: 0,
      rejectedCount: 2,
      eventIds: [],
    })
  })
})

describe('telemetry batch shape', () => {
  const start = () => sessionEvents(agent.agentId, randomUUID()).start
  it.each<[string, (start: () => unknown) => unknown]>([
    ['no batchId', (e) => ({ events: [e()] })],
    ['an empty batchId', (e) => ({ batchId: '', events: [e()] })],
    ['a batchId over 128 chars', (e) => ({ batchId: 'b'.repeat(129), events: [e()] })],
    ['no events', () => ({ batchId: 'b', events: [] })],
    ['101 events', (e) => ({ batchId: 'b', events: Array.from({ length: 101 }, e) })],
    ['events that are not an array', (e) => ({ batchId: 'b', events: e() })],
    ['an array body', (e) => [e()]],
  ])('refuses a batch with %s with 400 VALIDATION_ERROR', async (_, body) => {
    const res = await h.post('/v1/telemetry/batch', body(start), { key: key.apiKey })
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ code: 'VALIDATION_ERROR' })
  })

  it('accepts 100 events in one batch', async () => {
    const sessionId = randomUUID()
    const events = Array.from({ length: 100 }, (_, i) => toolCall(agent.agentId, sessionId, { i }))
    const res = await send(events)
    expect(res.status).toBe(200)
    expect(res.body.eventIds).toHaveLength(100)
    expect(await inSession(sessionId)).toBe(100)
  })
})
