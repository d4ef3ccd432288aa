import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { TelemetryBatchResponse } from '@tessera/contracts'
import { IngestHarness, type TestAgent, type TestKey } from '../testing/ingest-harness.ts'
import { sessionEvents } from '../testing/telemetry-fixtures.ts'

/**
 * An event that passes validation must be storable: requests share group commits, so one that
 * the database refused would fail every request committed with it.
 */

let h: IngestHarness
let key: TestKey
let agent: TestAgent

beforeAll(async () => {
  h = await IngestHarness.start()
  key = await h.org()
  agent = await h.agent(key.orgId)
})
afterAll(async () => {
  await h?.stop()
})

const send = (events: unknown[]) =>
  h.post<TelemetryBatchResponse>(
    '/v1/telemetry/batch',
    { batchId: randomUUID(), events },
    { key: key.apiKey },
  )
const inSession = (sessionId: string) => h.count('telemetry_events', sql`session_id = ${sessionId}`)

describe('telemetry times the log cannot hold', () => {
  it.each([
    ['year 0000', '0000-06-01T00:00:00Z'],
    ['year 0001 with an offset, which is year 0000 in UTC', '0001-01-01T00:30:00+01:00'],
    ['year 9999 with an offset, which is year 10000 in UTC', '9999-12-31T23:00:00-05:00'],
  ])('rejects a time in %s as VALIDATION_ERROR, never a 5xx', async (_, startedAt) => {
    const sessionId = randomUUID()
    const res = await send([{ ...sessionEvents(agent.agentId, sessionId).start, startedAt }])
    expect(res.status).toBe(400)
    expect(res.body.rejected).toEqual([
      { index: 0, code: 'VALIDATION_ERROR', message: expect.any(String) as string },
    ])
    expect(await inSession(sessionId)).toBe(0)
  })

  it('accepts the earliest and latest times it can hold: year 0001 and year 9999', async () => {
    const sessionId = randomUUID()
    const s = sessionEvents(agent.agentId, sessionId)
    const res = await send([
      { ...s.start, startedAt: '0001-01-01T00:00:00Z' },
      { ...s.end, endedAt: '9999-12-31T23:59:59.999Z' },
    ])
    expect(res.status).toBe(200)
    expect(await inSession(sessionId)).toBe(2)
  })

  it('does not fail the batches of other requests committed alongside a bad one', async () => {
    const bad = () => ({
      ...sessionEvents(agent.agentId, randomUUID()).start,
      startedAt: '0000-06-01T00:00:00Z',
    })
    for (let round = 0; round < 5; round++) {
      const good = Array.from({ length: 12 }, () => randomUUID())
      const sends = good.map(
        (sessionId) => () => send([sessionEvents(agent.agentId, sessionId).start]),
      )
      sends.splice(6, 0, () => send([bad()]))
      const results = await Promise.all(sends.map((f) => f()))
      const statuses = results.map((r) => r.status)
      const expected = good.map(() => 200)
      expected.splice(6, 0, 400)
      expect(statuses).toEqual(expected)
      for (const sessionId of good) expect(await inSession(sessionId)).toBe(1)
    }
  })
})
