import { describe, expect, it } from 'vitest'
import type { Telemetry } from './telemetry.client.ts'
import type { Fault } from './testing/fake-ingest.server.ts'
import { useFakeIngest } from './testing/telemetry.fixture.ts'

const ingest = useFakeIngest({ baseBackoffMs: 10, maxBackoffMs: 50, closeTimeoutMs: 10_000 })
const { client } = ingest

/** Issues `count` valid events and waits until they are settled. */
async function send(tel: Telemetry, count = 3): Promise<void> {
  for (let n = 1; n <= count; n++) {
    tel.response({ sessionId: 's-1', agentId: 'agent-1', outcome: 'success', metadata: { n } })
  }
  await tel.flush()
}

const batchIds = () => new Set(ingest.server.requests.map((r) => r.batchId))

describe('retries', () => {
  it.each<[string, Fault]>([
    ['a dropped connection', 'destroy'],
    ['a 500', { status: 500 }],
    ['a 502', { status: 502 }],
    ['a 429 without Retry-After', { status: 429 }],
  ])('retries %s with the same batchId and the same body', async (_name, fault) => {
    const tel = client()
    ingest.server.enqueue(fault)
    await send(tel)
    expect(ingest.server.requests).toHaveLength(2)
    expect(batchIds().size).toBe(1)
    expect(ingest.server.requests[1]!.body).toBe(ingest.server.requests[0]!.body)
    expect(ingest.server.storedEvents()).toHaveLength(3)
    expect(tel.stats()).toMatchObject({ sent: 3, retried: 1, dropped: 0, failedBatches: 0 })
    expect(ingest.log.lines).toEqual([])
  })

  it('stores nothing twice when the batch got through but the answer was lost', async () => {
    const tel = client()
    ingest.server.enqueue('store-then-destroy', 'store-then-destroy')
    await send(tel)
    expect(ingest.server.requests).toHaveLength(3)
    expect(batchIds().size).toBe(1)
    expect(ingest.server.stored.size).toBe(1)
    expect(ingest.server.storedEvents()).toHaveLength(3)
    expect(tel.stats()).toMatchObject({ sent: 3, retried: 2, dropped: 0 })
  })

  it('treats a response slower than requestTimeoutMs as a network error and retries', async () => {
    const tel = client({ requestTimeoutMs: 200 })
    ingest.server.enqueue({ slowMs: 1_000 })
    await send(tel)
    expect(ingest.server.requests).toHaveLength(2)
    expect(batchIds().size).toBe(1)
    expect(ingest.server.storedEvents()).toHaveLength(3)
    expect(tel.stats()).toMatchObject({ sent: 3, retried: 1, dropped: 0 })
  })

  it.each([
    ['delta-seconds', () => '1'],
    ['an HTTP date', () => new Date(Date.now() + 2_000).toUTCString()],
  ])('honours Retry-After given as %s on a 429', async (_name, retryAfter) => {
    const tel = client()
    // an HTTP date has whole seconds: 2 s ahead is at least 1 s once truncated
    ingest.server.enqueue({ status: 429, headers: { 'retry-after': retryAfter() } })
    await send(tel)
    expect(ingest.server.requests).toHaveLength(2)
    const gap = ingest.server.requests[1]!.at - ingest.server.requests[0]!.at
    // the first arrival is timed before the 429 goes out, so the gap covers the whole pause
    expect(gap).toBeGreaterThanOrEqual(990)
    expect(batchIds().size).toBe(1)
  })

  it('honours Retry-After on a 503', async () => {
    const tel = client()
    ingest.server.enqueue({ status: 503, headers: { 'retry-after': '1' } })
    await send(tel)
    expect(ingest.server.requests[1]!.at - ingest.server.requests[0]!.at).toBeGreaterThanOrEqual(
      990,
    )
    expect(ingest.server.storedEvents()).toHaveLength(3)
  })

  it('makes exactly 1 + maxRetries attempts, then drops the batch with one log line', async () => {
    const tel = client({ maxRetries: 2 })
    ingest.server.enqueue(...Array<Fault>(10).fill({ status: 500 }))
    await send(tel)
    // no stray attempt shows up later either
    await new Promise((r) => setTimeout(r, 200))
    expect(ingest.server.requests).toHaveLength(3)
    expect(batchIds().size).toBe(1)
    expect(ingest.log.lines).toHaveLength(1)
    expect(ingest.log.lines[0]).toMatchObject({ level: 'error' })
    expect(ingest.log.lines[0]?.message).toMatch(
      /dropped a batch of 3 events: HTTP 500 after 3 attempts/,
    )
    expect(tel.stats()).toMatchObject({ sent: 0, retried: 2, dropped: 3, failedBatches: 1 })
  })

  it('holds requestTimeoutMs even against an injected fetch that ignores its signal', async () => {
    let calls = 0
    const stuck: typeof fetch = () => {
      calls++
      return new Promise<Response>(() => {})
    }
    const tel = client({ fetch: stuck, requestTimeoutMs: 100, maxRetries: 1 })
    await send(tel)
    expect(calls).toBe(2)
    expect(ingest.log.lines).toHaveLength(1)
    expect(ingest.log.lines[0]?.message).toMatch(/no answer within 100 ms after 2 attempts/)
  })

  it('with maxRetries 0 makes a single attempt', async () => {
    const tel = client({ maxRetries: 0 })
    ingest.server.enqueue('destroy')
    await send(tel)
    expect(ingest.server.requests).toHaveLength(1)
    expect(tel.stats()).toMatchObject({ dropped: 3, failedBatches: 1, retried: 0 })
  })
})

describe('permanent failures', () => {
  it.each([400, 401, 403, 409, 413, 422])(
    'drops the batch on HTTP %i after exactly one attempt and one log line',
    async (status) => {
      const tel = client()
      ingest.server.enqueue({ status, body: { message: 'no' } })
      await send(tel)
      await new Promise((r) => setTimeout(r, 100))
      expect(ingest.server.requests).toHaveLength(1)
      expect(ingest.log.lines).toHaveLength(1)
      expect(ingest.log.lines[0]).toMatchObject({ level: 'error' })
      expect(ingest.log.lines[0]?.message).toContain(`HTTP ${status}`)
      expect(tel.stats()).toMatchObject({ sent: 0, dropped: 3, failedBatches: 1, retried: 0 })
    },
  )

  it('drops a batch the server rejects whole (400 from validation) with one line', async () => {
    const tel = client()
    // valid for the SDK, unknown to the contract: the real server answers 400
    ingest.server.enqueue({
      status: 400,
      body: {
        batchId: 'x',
        status: 'rejected',
        acceptedCount: 0,
        rejectedCount: 3,
        rejected: [{ index: 0, code: 'UNKNOWN_AGENT', message: 'no such agent' }],
        eventIds: [],
      },
    })
    await send(tel)
    expect(ingest.server.requests).toHaveLength(1)
    expect(ingest.log.lines).toHaveLength(1)
    expect(ingest.log.lines[0]?.message).toMatch(/HTTP 400 \(3 rejected; first #0 UNKNOWN_AGENT/)
  })

  it('logs one line naming the rejected count on a 207, and does not retry', async () => {
    const tel = client()
    ingest.server.enqueue({
      status: 207,
      body: {
        batchId: 'x',
        status: 'partial',
        acceptedCount: 1,
        rejectedCount: 2,
        rejected: [
          { index: 1, code: 'UNKNOWN_AGENT', message: 'no such agent' },
          { index: 2, code: 'AGENT_REVOKED', message: 'revoked' },
        ],
        eventIds: ['0b5d4f3e-8f3a-4c1e-9a55-6a1f1a2b3c4d'],
      },
    })
    await send(tel)
    expect(ingest.server.requests).toHaveLength(1)
    expect(ingest.log.lines).toHaveLength(1)
    expect(ingest.log.lines[0]).toMatchObject({ level: 'warn' })
    expect(ingest.log.lines[0]?.message).toMatch(/rejected 2 of 3 events/)
    expect(tel.stats()).toMatchObject({ sent: 1, dropped: 2, failedBatches: 0, retried: 0 })
  })
})
