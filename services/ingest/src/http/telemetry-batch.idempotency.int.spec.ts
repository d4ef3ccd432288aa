import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { TelemetryBatchResponse } from '@tessera/contracts'
import { IngestHarness, type TestAgent, type TestKey } from '../testing/ingest-harness.ts'
import { sessionEvents, toolCall } from '../testing/telemetry-fixtures.ts'

/** `batchId` is the client's idempotency key: a retry is answered again, never stored twice. */

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

const send = (batchId: string, events: unknown[], apiKey = key.apiKey) =>
  h.post<TelemetryBatchResponse>('/v1/telemetry/batch', { batchId, events }, { key: apiKey })
const inSession = (sessionId: string) => h.count('telemetry_events', sql`session_id = ${sessionId}`)

describe('telemetry batch idempotency', () => {
  it('answers a retry with the first response and Idempotent-Replayed: true, storing nothing new', async () => {
    const sessionId = randomUUID()
    const s = sessionEvents(agent.agentId, sessionId)
    const batchId = randomUUID()
    const first = await send(batchId, [s.start, s.call])
    expect(first.status).toBe(200)
    expect(first.headers.get('idempotent-replayed')).toBeNull()
    expect(await inSession(sessionId)).toBe(2)

    const retry = await send(batchId, [s.start, s.call])
    expect(retry.status).toBe(200)
    expect(retry.headers.get('idempotent-replayed')).toBe('true')
    expect(retry.body).toEqual(first.body)
    expect(await inSession(sessionId)).toBe(2)
  })

  it('replays a partial batch with its 207 and the same rejections', async () => {
    const sessionId = randomUUID()
    const events = [sessionEvents(agent.agentId, sessionId).start, { type: 'nonsense' }]
    const batchId = randomUUID()
    const first = await send(batchId, events)
    const retry = await send(batchId, events)
    expect([first.status, retry.status]).toEqual([207, 207])
    expect(retry.body).toEqual(first.body)
    expect(retry.headers.get('idempotent-replayed')).toBe('true')
    expect(await inSession(sessionId)).toBe(1)
  })

  it('treats the same events serialized with another key order as the same batch', async () => {
    const sessionId = randomUUID()
    const start = sessionEvents(agent.agentId, sessionId).start
    const reordered = Object.fromEntries(Object.entries(start).reverse())
    const batchId = randomUUID()
    const first = await send(batchId, [start])
    const retry = await send(batchId, [reordered])
    expect(retry.status).toBe(200)
    expect(retry.body.eventIds).toEqual(first.body.eventIds)
    expect(await inSession(sessionId)).toBe(1)
  })

  it('refuses the same batchId with other events with 409 BATCH_CONFLICT, storing none of them', async () => {
    const batchId = randomUUID()
    const firstSession = randomUUID()
    await send(batchId, [sessionEvents(agent.agentId, firstSession).start])
    const otherSession = randomUUID()
    const res = await send(batchId, [sessionEvents(agent.agentId, otherSession).start])
    expect(res.status).toBe(409)
    expect(res.body).toMatchObject({ code: 'BATCH_CONFLICT', details: { batchId } })
    expect(await inSession(otherSession)).toBe(0)
    expect(await inSession(firstSession)).toBe(1)
  })

  it('keeps batch ids per org: another org may use the same batchId for its own events', async () => {
    const otherKey = await h.org()
    const otherAgent = await h.agent(otherKey.orgId)
    const batchId = randomUUID()
    const mine = await send(batchId, [sessionEvents(agent.agentId, randomUUID()).start])
    const sessionId = randomUUID()
    const theirs = await send(
      batchId,
      [sessionEvents(otherAgent.agentId, sessionId).start],
      otherKey.apiKey,
    )
    expect(theirs.status).toBe(200)
    expect(theirs.headers.get('idempotent-replayed')).toBeNull()
    expect(theirs.body.eventIds).not.toEqual(mine.body.eventIds)
    expect(await inSession(sessionId)).toBe(1)
  })

  it('stores a new batch sent concurrently several times once, and answers all with the same ids', async () => {
    const sessionId = randomUUID()
    const events = Array.from({ length: 10 }, (_, i) => toolCall(agent.agentId, sessionId, { i }))
    const batchId = randomUUID()
    const results = await Promise.all(Array.from({ length: 5 }, () => send(batchId, events)))
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200])
    const ids = results.map((r) => r.body.eventIds)
    for (const other of ids) expect(other).toEqual(ids[0])
    expect(ids[0]).toHaveLength(10)
    expect(results.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(4)
    expect(await inSession(sessionId)).toBe(10)
  })

  it('is stored once when sent concurrently with other batches that share its group commit', async () => {
    const sessionId = randomUUID()
    const batchId = randomUUID()
    const events = [toolCall(agent.agentId, sessionId, { dup: 1 })]
    const others = Array.from({ length: 5 }, () =>
      send(randomUUID(), [toolCall(agent.agentId, sessionId, { other: 1 })]),
    )
    const results = await Promise.all([send(batchId, events), ...others, send(batchId, events)])
    expect(results.map((r) => r.status)).toEqual(Array(7).fill(200))
    expect(results[0].body.eventIds).toEqual(results.at(-1)!.body.eventIds)
    expect(await inSession(sessionId)).toBe(6)
  })
})
