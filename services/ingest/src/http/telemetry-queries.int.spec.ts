import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { ulid } from 'ulid'
import {
  type TelemetryBatchResponse,
  TelemetryPage,
  type TelemetryRecord,
} from '@tessera/contracts'
import { IngestHarness, type TestAgent, type TestKey } from '../testing/ingest-harness.ts'
import { ardenEvent, sessionEvents, toolCall } from '../testing/telemetry-fixtures.ts'

/** Reads of the telemetry log: a session's events, an agent's events; org-scoped and paginated. */

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

async function batch(events: unknown[], apiKey = key.apiKey) {
  const res = await h.post<TelemetryBatchResponse>(
    '/v1/telemetry/batch',
    { batchId: randomUUID(), events },
    { key: apiKey },
  )
  expect(res.status).toBe(200)
  return res.body.eventIds
}

/** Follows `nextCursor` from `path` (which has a query string) until it is null. */
async function allPages(path: string, apiKey = key.apiKey) {
  const pages: TelemetryRecord[][] = []
  let cursor: string | null = null
  do {
    const res = await h.get<TelemetryPage>(cursor ? `${path}&cursor=${cursor}` : path, apiKey)
    expect(res.status).toBe(200)
    const page = TelemetryPage.parse(res.body)
    pages.push(page.items)
    cursor = page.nextCursor
  } while (cursor && pages.length < 50)
  return pages
}

const t = (s: number) => new Date(Date.UTC(2026, 4, 1, 9, 0, s)).toISOString()
const iOf = (r: TelemetryRecord) => (r.data['params'] as { i: number }).i

describe('GET /v1/telemetry/sessions/:id', () => {
  it("returns a session's events in acceptance order across pages, each once", async () => {
    const sessionId = randomUUID()
    // occurrence times run backwards: the order must be that of acceptance
    const call = (i: number) => toolCall(agent.agentId, sessionId, { i }, t(60 - i))
    const ids = [
      ...(await batch([call(0), call(1)])),
      ...(await batch([call(2)])),
      ...(await batch([call(3), call(4)])),
    ]
    const pages = await allPages(`/v1/telemetry/sessions/${sessionId}?limit=2`)
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1])
    const items = pages.flat()
    expect(items.map((r) => r.eventId)).toEqual(ids)
    expect(items.map(iOf)).toEqual([0, 1, 2, 3, 4])
  })

  it('returns the whole session in one page with a null cursor when it fits', async () => {
    const sessionId = randomUUID()
    const s = sessionEvents(agent.agentId, sessionId)
    const ids = await batch([s.start, s.call, s.response, s.end])
    const res = await h.get<TelemetryPage>(`/v1/telemetry/sessions/${sessionId}`, key.apiKey)
    expect(res.status).toBe(200)
    expect(res.body.nextCursor).toBeNull()
    expect(res.body.items.map((r) => [r.eventId, r.type, r.sessionId, r.orgId])).toEqual(
      ids.map((id, i) => [
        id,
        ['session_start', 'tool_call', 'response', 'session_end'][i],
        sessionId,
        key.orgId,
      ]),
    )
  })

  it('answers 404 NOT_FOUND for a session nobody sent', async () => {
    const res = await h.get(`/v1/telemetry/sessions/${randomUUID()}`, key.apiKey)
    expect(res.status).toBe(404)
    expect(res.body).toMatchObject({ code: 'NOT_FOUND' })
  })

  it("answers 404 for another org's session, exactly as if it did not exist", async () => {
    const sessionId = randomUUID()
    await batch([sessionEvents(foreign.agentId, sessionId).start], other.apiKey)
    expect((await h.get(`/v1/telemetry/sessions/${sessionId}`, other.apiKey)).status).toBe(200)
    const res = await h.get(`/v1/telemetry/sessions/${sessionId}`, key.apiKey)
    expect(res.status).toBe(404)
    expect(res.body).toMatchObject({ code: 'NOT_FOUND' })
  })

  it.each([
    ['garbage', 'not-a-cursor'],
    ['a cursor without a valid event id', Buffer.from('{"e":"nope"}').toString('base64url')],
  ])('refuses %s as cursor with 400 VALIDATION_ERROR', async (_, cursor) => {
    const sessionId = randomUUID()
    await batch([sessionEvents(agent.agentId, sessionId).start])
    const res = await h.get(`/v1/telemetry/sessions/${sessionId}?cursor=${cursor}`, key.apiKey)
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ code: 'VALIDATION_ERROR' })
  })

  it.each(['0', '1001', 'ten'])('refuses limit=%s with 400 VALIDATION_ERROR', async (limit) => {
    const res = await h.get(`/v1/telemetry/sessions/${randomUUID()}?limit=${limit}`, key.apiKey)
    expect(res.status).toBe(400)
  })

  it('needs a key: 401 AUTH_FAILED without one', async () => {
    const res = await fetch(`${h.url}/v1/telemetry/sessions/${randomUUID()}`)
    expect(res.status).toBe(401)
  })
})

describe('GET /v1/agents/:id/telemetry', () => {
  let own: TestAgent
  let ids: Record<string, string>

  beforeAll(async () => {
    own = await h.agent(key.orgId)
    const s = sessionEvents(own.agentId, randomUUID())
    const [start, call1, call2, response, end] = await batch([
      { ...s.start, startedAt: t(1) },
      toolCall(own.agentId, s.start.sessionId, { i: 1 }, t(2)),
      toolCall(own.agentId, s.start.sessionId, { i: 2 }, t(3)),
      { ...s.response, respondedAt: t(4) },
      { ...s.end, endedAt: t(5) },
    ])
    const arden = await h.post<{ event_ids: string[] }>(
      '/api/events',
      ardenEvent(own.handle, { time: Date.parse(t(0)), user: ulid() }),
      { key: key.apiKey },
    )
    ids = {
      arden: arden.body.event_ids[0]!,
      start: start!,
      call1: call1!,
      call2: call2!,
      response: response!,
      end: end!,
    }
    // another agent of the same org must not show up
    await batch([sessionEvents(agent.agentId, randomUUID()).start])
  })

  const path = (q = '') => `/v1/agents/${own.agentId}/telemetry?limit=100${q}`
  const idsOf = async (q: string) => (await allPages(path(q))).flat().map((r) => r.eventId)
  const idsOfAgent = async (a: TestAgent) =>
    (await allPages(`/v1/agents/${a.agentId}/telemetry?limit=10`)).flat().map((r) => r.eventId)

  it("returns the agent's events, of both protocols, by the time they happened", async () => {
    expect(await idsOf('')).toEqual([
      ids.arden,
      ids.start,
      ids.call1,
      ids.call2,
      ids.response,
      ids.end,
    ])
  })

  it('filters by [from, to): from inclusive, to exclusive', async () => {
    expect(await idsOf(`&from=${t(2)}&to=${t(4)}`)).toEqual([ids.call1, ids.call2])
  })

  it('filters by type', async () => {
    expect(await idsOf('&type=tool_call')).toEqual([ids.call1, ids.call2])
    expect(await idsOf('&type=arden_event')).toEqual([ids.arden])
  })

  it('pages with limit and cursor through the same events, filters kept', async () => {
    const pages = await allPages(`/v1/agents/${own.agentId}/telemetry?limit=2&from=${t(1)}`)
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1])
    expect(pages.flat().map((r) => r.eventId)).toEqual([
      ids.start,
      ids.call1,
      ids.call2,
      ids.response,
      ids.end,
    ])
  })

  it('pages through events that happened at the same instant without losing or repeating any', async () => {
    const same = await h.agent(key.orgId)
    const sessionId = randomUUID()
    const sent = await batch(
      Array.from({ length: 7 }, (_, i) => toolCall(same.agentId, sessionId, { i }, t(30))),
    )
    const pages = await allPages(`/v1/agents/${same.agentId}/telemetry?limit=2`)
    expect(
      pages
        .flat()
        .map((r) => r.eventId)
        .sort(),
    ).toEqual([...sent].sort())
  })

  it("keeps a revoked agent's history readable", async () => {
    const gone = await h.agent(key.orgId)
    const [sent] = await batch([sessionEvents(gone.agentId, randomUUID()).start])
    await h.revoke(gone)
    expect(await idsOfAgent(gone)).toEqual([sent])
  })

  it("answers 404 for another org's agent and for an unknown one", async () => {
    expect((await h.get(`/v1/agents/${foreign.agentId}/telemetry`, key.apiKey)).status).toBe(404)
    expect(
      (await h.get('/v1/agents/agt_00000000000000000000000000/telemetry', key.apiKey)).status,
    ).toBe(404)
  })

  it.each([
    ['a from that is not a date', '&from=yesterday'],
    ['an unknown type', '&type=bogus'],
    // Postgres refuses year 0000 and Feb 31st: these used to reach it and answer 500
    ['a from in year 0000', '&from=0000-01-01T00:00:00Z'],
    ['a to after year 9999', '&to=10000-01-01T00:00:00Z'],
    [
      'a cursor at an impossible time',
      `&cursor=${Buffer.from(JSON.stringify({ e: randomUUID(), o: '2026-02-31T00:00:00.000Z' })).toString('base64url')}`,
    ],
    [
      'a cursor at a time Date.parse reads loosely',
      `&cursor=${Buffer.from(JSON.stringify({ e: randomUUID(), o: '1' })).toString('base64url')}`,
    ],
    ['a NUL in the type', '&type=%00'],
    [
      'a session cursor',
      `&cursor=${Buffer.from(JSON.stringify({ e: randomUUID() })).toString('base64url')}`,
    ],
  ])('refuses %s with 400 VALIDATION_ERROR', async (_, q) => {
    const res = await h.get(path(q), key.apiKey)
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ code: 'VALIDATION_ERROR' })
  })
})
