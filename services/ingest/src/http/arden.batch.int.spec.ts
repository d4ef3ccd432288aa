import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { ulid } from 'ulid'
import type { ArdenResponse } from '@tessera/contracts'
import { IngestHarness, type TestAgent, type TestKey } from '../testing/ingest-harness.ts'
import { UUID_V7, ardenEvent, rowsById } from '../testing/telemetry-fixtures.ts'

/** Arden v1 batches: the response shape, 200/207/400, order of ids, and whole-request errors. */

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

const post = (body: unknown) => h.post<ArdenResponse>('/api/events', body, { key: key.apiKey })
const ok = (data: Record<string, string | number>) => ardenEvent(agent.handle, { data })
const storedWith = (marker: string) =>
  h.count('telemetry_events', sql`data->'data'->>'marker' = ${marker}`)
const RESPONSE_KEYS = ['accepted_count', 'event_ids', 'rejected', 'rejected_count', 'status']

describe('Arden v1 batch results', () => {
  it('answers 200 accepted with every event id when all are accepted', async () => {
    const res = await post([ok({ i: 0 }), ok({ i: 1 })])
    expect(res.status).toBe(200)
    expect(Object.keys(res.body).sort()).toEqual(RESPONSE_KEYS)
    expect(res.body).toMatchObject({
      status: 'accepted',
      accepted_count: 2,
      rejected_count: 0,
      rejected: [],
    })
    expect(res.body.event_ids).toHaveLength(2)
  })

  it('answers 207 partial with the rejected indices and the accepted ids only, in request order', async () => {
    const marker = randomUUID()
    const body = [
      ok({ marker, i: 0 }),
      ardenEvent(agent.handle, { time: undefined }),
      ok({ marker, i: 2 }),
      ardenEvent('0badf00d'),
      ok({ marker, i: 4 }),
    ]
    const res = await post(body)
    expect(res.status).toBe(207)
    expect(Object.keys(res.body).sort()).toEqual(RESPONSE_KEYS)
    expect(res.body).toMatchObject({
      status: 'partial',
      accepted_count: 3,
      rejected_count: 2,
      rejected: [
        { index: 1, error: 'missing_required_field' },
        { index: 3, error: 'unknown_agent' },
      ],
    })
    const rows = await rowsById(h, res.body.event_ids)
    expect(rows.map((r) => (r.data['data'] as { i: number }).i)).toEqual([0, 2, 4])
    expect(await storedWith(marker)).toBe(3)
  })

  it('answers 400 rejected, same shape, when none is accepted', async () => {
    const res = await post([
      ardenEvent(agent.handle, { bid: -1 }),
      ardenEvent(agent.handle, { data: undefined }),
    ])
    expect(res.status).toBe(400)
    expect(res.body).toEqual({
      status: 'rejected',
      accepted_count: 0,
      rejected_count: 2,
      rejected: [
        { index: 0, error: 'validation_error' },
        { index: 1, error: 'missing_required_field' },
      ],
      event_ids: [],
    })
  })

  it('validates each event on its own: one of each error code, each at its index', async () => {
    const res = await post([
      ardenEvent(agent.handle, { bid: 'free' }),
      ardenEvent('0badf00d'),
      ardenEvent(agent.handle, { user: 'not-a-ulid' }),
      ardenEvent(agent.handle, { agent: undefined }),
      ardenEvent(agent.handle, { data: { k: 'x'.repeat(2000) } }),
      ok({ i: 5 }),
    ])
    expect(res.status).toBe(207)
    expect(res.body.rejected).toEqual([
      { index: 0, error: 'validation_error' },
      { index: 1, error: 'unknown_agent' },
      { index: 2, error: 'invalid_user' },
      { index: 3, error: 'missing_required_field' },
      { index: 4, error: 'bad_data_size' },
    ])
    expect(res.body.accepted_count).toBe(1)
  })

  it('rejects items of the array that are not event objects by index, and keeps the rest', async () => {
    const res = await post([1, ok({ i: 1 }), 'event', null, [ok({ i: 4 })], ok({ i: 5 })])
    expect(res.status).toBe(207)
    expect(res.body.rejected).toEqual(
      [0, 2, 3, 4].map((index) => ({ index, error: 'validation_error' })),
    )
    const rows = await rowsById(h, res.body.event_ids)
    expect(rows.map((r) => (r.data['data'] as { i: number }).i)).toEqual([1, 5])
  })

  it('assigns distinct UUIDv7 event ids, stamped with the time of acceptance', async () => {
    const before = Date.now()
    const res = await post(Array.from({ length: 20 }, (_, i) => ok({ i })))
    for (const id of res.body.event_ids) {
      expect(id).toMatch(UUID_V7)
      const ms = parseInt(id.replaceAll('-', '').slice(0, 12), 16)
      expect(ms).toBeGreaterThanOrEqual(before - 1000)
      expect(ms).toBeLessThanOrEqual(Date.now() + 1000)
    }
    expect(new Set(res.body.event_ids).size).toBe(20)
  })

  it('accepts a single event object, not in an array', async () => {
    const res = await post(ok({ single: 'yes' }))
    expect(res.status).toBe(200)
    expect(res.body.event_ids).toHaveLength(1)
  })

  it('does not deduplicate: the same event twice is stored twice, with different ids', async () => {
    const marker = randomUUID()
    const event = { ...ok({ marker }), user: ulid() }
    const first = await post(event)
    const second = await post(event)
    expect(first.status).toBe(200)
    expect(second.status).toBe(200)
    expect(first.body.event_ids[0]).not.toBe(second.body.event_ids[0])
    expect(await storedWith(marker)).toBe(2)
  })

  it('has every event of a 2xx committed when the response arrives, under concurrent load', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, async (_, n) => {
        const res = await post(Array.from({ length: 5 }, (_, i) => ok({ n, i })))
        // read at once, before anything else can run
        const stored = await h.count(
          'telemetry_events',
          sql`event_id = any(${res.body.event_ids}::uuid[])`,
        )
        return { status: res.status, ids: res.body.event_ids.length, stored }
      }),
    )
    expect(results).toEqual(Array.from({ length: 20 }, () => ({ status: 200, ids: 5, stored: 5 })))
  })
})

describe('Arden v1 whole-request errors (never a 5xx)', () => {
  const expectError = (res: { status: number; body: unknown }, status: number, code: string) => {
    expect(res.status).toBe(status)
    expect(res.body).toEqual({
      code,
      message: expect.any(String) as string,
      details: expect.any(Object) as object,
    })
  }

  it('accepts 100 events in one request', async () => {
    const res = await post(Array.from({ length: 100 }, (_, i) => ok({ i })))
    expect(res.status).toBe(200)
    expect(res.body.event_ids).toHaveLength(100)
  })

  it('refuses 101 events with 413 TOO_MANY_EVENTS and stores none', async () => {
    const marker = randomUUID()
    const res = await post(Array.from({ length: 101 }, (_, i) => ok({ marker, i })))
    expectError(res, 413, 'TOO_MANY_EVENTS')
    expect(await storedWith(marker)).toBe(0)
  })

  it('refuses an empty array with 400 EMPTY_BATCH', async () => {
    expectError(await post([]), 400, 'EMPTY_BATCH')
  })

  it.each(['{"agent": "A-1234abcd",', '[{]', '{"a":1}{"b":2}'])(
    'refuses malformed JSON %j with 400 MALFORMED_JSON',
    async (text) => {
      expectError(
        await h.post('/api/events', text, { raw: true, key: key.apiKey }),
        400,
        'MALFORMED_JSON',
      )
    },
  )

  it('refuses an empty application/json body with 400 MALFORMED_JSON', async () => {
    expectError(
      await h.post('/api/events', '', { raw: true, key: key.apiKey }),
      400,
      'MALFORMED_JSON',
    )
  })

  it.each(['42', '"an event"', 'true', 'null'])(
    'refuses a body that is the JSON scalar %s with a 400',
    async (text) => {
      const res = await h.post('/api/events', text, { raw: true, key: key.apiKey })
      expect(res.status).toBe(400)
      expect(res.body).toMatchObject({
        code: expect.any(String) as string,
        message: expect.any(String) as string,
      })
    },
  )

  it('refuses a valid event sent as text/plain with 415 UNSUPPORTED_MEDIA_TYPE, storing nothing', async () => {
    const marker = randomUUID()
    const text = JSON.stringify(ok({ marker }))
    expectError(
      await h.post('/api/events', text, { raw: true, key: key.apiKey, contentType: 'text/plain' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    )
    expect(await storedWith(marker)).toBe(0)
  })

  it('accepts application/json with a charset parameter', async () => {
    const res = await h.post('/api/events', JSON.stringify(ok({ i: 1 })), {
      raw: true,
      key: key.apiKey,
      contentType: 'application/json; charset=utf-8',
    })
    expect(res.status).toBe(200)
  })

  it('refuses a body over 1 MiB with 413 PAYLOAD_TOO_LARGE', async () => {
    const text = JSON.stringify([ok({ pad: 'x'.repeat(1024 * 1024) })])
    expectError(
      await h.post('/api/events', text, { raw: true, key: key.apiKey }),
      413,
      'PAYLOAD_TOO_LARGE',
    )
  })
})
