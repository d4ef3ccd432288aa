import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomBytes, randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { ulid } from 'ulid'
import { IngestHarness, type TestAgent } from '../testing/ingest-harness.ts'
import { ardenEvent, sessionEvents } from '../testing/telemetry-fixtures.ts'

/** Rate limiting (Arden v1: "applied per IP/token"): 5 requests a minute in this file. */

const LIMIT = 5
let h: IngestHarness
let agent: TestAgent

beforeAll(async () => {
  h = await IngestHarness.start({ INGEST_RATE_LIMIT_PER_MINUTE: String(LIMIT) })
  agent = await h.agent((await h.org()).orgId)
})
afterAll(async () => {
  await h?.stop()
})

const event = (marker: string) => ardenEvent(agent.handle, { user: ulid(), data: { marker } })
const storedWith = (marker: string) =>
  h.count('telemetry_events', sql`data->'data'->>'marker' = ${marker}`)
/** A new org's key and a sender of Arden events for an agent of that org. */
async function client() {
  const key = await h.org()
  const own = await h.agent(key.orgId)
  const send = (marker = 'x') =>
    h.post('/api/events', ardenEvent(own.handle, { data: { marker } }), { key: key.apiKey })
  return { key, send }
}
/** A token that looks like a key but was never issued. */
const junkToken = () => `tsk_live_${randomBytes(16).toString('hex')}`

/** Sends `n` requests one after the other; returns their statuses. */
async function statuses(n: number, send: (i: number) => Promise<{ status: number }>) {
  const out: number[] = []
  for (let i = 0; i < n; i++) out.push((await send(i)).status)
  return out
}

describe('rate limiting of POST /api/events', () => {
  it('answers the 6th request of a key with 429 RATE_LIMITED, Retry-After, and stores nothing of it', async () => {
    const c = await client()
    const marker = randomUUID()
    expect(await statuses(LIMIT, () => c.send(marker))).toEqual(Array(LIMIT).fill(200))
    const limited = randomUUID()
    const res = await c.send(limited)
    expect(res.status).toBe(429)
    const retryAfter = Number(res.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThan(0)
    expect(retryAfter).toBeLessThanOrEqual(60)
    expect(res.body).toMatchObject({ code: 'RATE_LIMITED' })
    expect(await storedWith(marker)).toBe(LIMIT)
    expect(await storedWith(limited)).toBe(0)
  })

  it('tells the client in the 429 body what the limit is and when to retry', async () => {
    const c = await client()
    await statuses(LIMIT, () => c.send())
    const res = await c.send()
    expect(res.status).toBe(429)
    expect(res.body).toEqual({
      code: 'RATE_LIMITED',
      message: expect.stringContaining(`${LIMIT} requests per minute`) as string,
      details: { limit: LIMIT, retryAfterSeconds: Number(res.headers.get('retry-after')) },
    })
  })

  it('limits per token: a second key still gets through while the first is limited', async () => {
    const first = await client()
    const second = await client()
    await statuses(LIMIT, () => first.send())
    expect((await first.send()).status).toBe(429)
    expect((await second.send()).status).toBe(200)
  })

  it('limits requests without a key per IP', async () => {
    const got = await statuses(LIMIT + 1, () => h.post('/api/events', event('x')))
    expect(got.filter((s) => s === 200).length).toBeLessThanOrEqual(LIMIT)
    expect(got.at(-1)).toBe(429)
  })

  it('does not let invalid tokens escape the per-IP limit (an invalid token counts as none)', async () => {
    const got = await statuses(LIMIT + 1, () =>
      h.post('/api/events', event('x'), { key: junkToken() }),
    )
    expect(got.filter((s) => s === 200).length).toBeLessThanOrEqual(LIMIT)
    expect(got.at(-1)).toBe(429)
  })

  it("does not spend a valid key's budget on the IP's", async () => {
    await statuses(LIMIT + 1, () => h.post('/api/events', event('x')))
    expect((await h.post('/api/events', event('x'))).status).toBe(429)
    expect((await (await client()).send()).status).toBe(200)
  })
})

describe('rate limiting of POST /v1/telemetry/batch', () => {
  it('answers the 6th batch of a key with 429 RATE_LIMITED and Retry-After', async () => {
    const key = await h.org()
    const own = await h.agent(key.orgId)
    const batch = () => ({
      batchId: randomUUID(),
      events: [sessionEvents(own.agentId, randomUUID()).start],
    })
    expect(
      await statuses(LIMIT, () => h.post('/v1/telemetry/batch', batch(), { key: key.apiKey })),
    ).toEqual(Array(LIMIT).fill(200))
    const res = await h.post('/v1/telemetry/batch', batch(), { key: key.apiKey })
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/)
    expect(res.body).toMatchObject({ code: 'RATE_LIMITED' })
  })
})
