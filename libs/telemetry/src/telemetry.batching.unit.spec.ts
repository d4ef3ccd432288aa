import { describe, expect, it } from 'vitest'
import type { Telemetry } from './telemetry.client.ts'
import { until } from './testing/fake-ingest.server.ts'
import { useFakeIngest } from './testing/telemetry.fixture.ts'

const ingest = useFakeIngest({ baseBackoffMs: 10, closeTimeoutMs: 5_000 })
const { client } = ingest

/** A valid event, told apart by `metadata.n`. */
function respond(tel: Telemetry, n: number): void {
  tel.response({ sessionId: 's-1', agentId: 'agent-1', outcome: 'success', metadata: { n } })
}

const numbers = (events: Record<string, unknown>[]) =>
  events.map((e) => (e['metadata'] as { n: number }).n)

describe('non-blocking', () => {
  it('returns at once from every method while the server hangs on a request', async () => {
    const tel = client({ maxBatchSize: 1, requestTimeoutMs: 30_000 })
    ingest.server.block()
    respond(tel, 0)
    await until(() => ingest.server.inFlight === 1)

    expect(tel.sessionStart({ sessionId: 's-1', agentId: 'agent-1' })).toBeUndefined()
    expect(
      tel.toolCall({
        sessionId: 's-1',
        agentId: 'agent-1',
        tool: 'search',
        params: {},
        outcome: 'success',
        latencyMs: 3,
      }),
    ).toBeUndefined()
    for (let n = 1; n <= 50; n++) respond(tel, n)
    expect(tel.sessionEnd({ sessionId: 's-1', agentId: 'agent-1', outcome: 'success' })).toBe(
      undefined,
    )
    // all of that ran while the first request was still unanswered
    expect(ingest.server.inFlight).toBe(1)
    expect(ingest.server.requests).toHaveLength(1)
    expect(tel.stats().queued).toBe(54)

    ingest.server.release()
    await tel.close()
    expect(ingest.server.storedEvents()).toHaveLength(54)
    expect(tel.stats()).toMatchObject({ queued: 0, sent: 54, dropped: 0 })
  })

  it('never throws on bad input: it warns, counts a drop, and carries on', async () => {
    const tel = client()
    const circular: Record<string, unknown> = {}
    circular['self'] = circular
    const bad: (() => void)[] = [
      () => tel.sessionStart(null as never),
      () => tel.sessionStart({ agentId: 'agent-1' } as never),
      () => tel.sessionEnd({ sessionId: 's', agentId: 'a', outcome: 'exploded' as never }),
      () => tel.response({ sessionId: 's', agentId: 'a', outcome: 'success', latencyMs: -1 }),
      () => tel.response({ sessionId: 's', agentId: 'a', outcome: 'success', respondedAt: 'soon' }),
      () =>
        tel.toolCall({
          sessionId: 's',
          agentId: 'a',
          tool: 'x',
          params: circular,
          outcome: 'success',
          latencyMs: 1,
        }),
      () =>
        tel.toolCall({
          sessionId: 's',
          agentId: 'a',
          tool: 'x',
          params: { blob: 'x'.repeat(10_000) },
          outcome: 'success',
          latencyMs: 1,
        }),
    ]
    for (const call of bad) expect(call).not.toThrow()
    respond(tel, 1)

    expect(ingest.log.lines.filter((l) => l.level === 'warn')).toHaveLength(bad.length)
    expect(tel.stats()).toMatchObject({ dropped: bad.length, queued: 1 })
    await tel.close()
    expect(numbers(ingest.server.storedEvents())).toEqual([1])
  })

  it('survives a logger that throws', () => {
    const tel = client({
      logger: {
        warn: () => {
          throw new Error('logger down')
        },
        error: () => {
          throw new Error('logger down')
        },
      },
    })
    expect(() => tel.sessionStart(undefined as never)).not.toThrow()
  })

  it('after close, drops events with a single warning instead of throwing', async () => {
    const tel = client()
    await tel.close()
    expect(() => {
      respond(tel, 1)
      respond(tel, 2)
    }).not.toThrow()
    expect(ingest.log.lines).toHaveLength(1)
    expect(ingest.log.lines[0]?.message).toMatch(/after close/)
    expect(tel.stats().dropped).toBe(2)
    expect(ingest.server.requests).toHaveLength(0)
  })
})

describe('batching', () => {
  it('sends a batch as soon as maxBatchSize events are buffered', async () => {
    const tel = client({ maxBatchSize: 3, flushIntervalMs: 60_000 })
    for (let n = 1; n <= 7; n++) respond(tel, n)
    await until(() => ingest.server.stored.size === 2)
    // the 7th waits: not a full batch, and the interval is a minute away
    await new Promise((r) => setTimeout(r, 200))
    expect(ingest.server.requests.map((r) => r.events.length)).toEqual([3, 3])
    expect(tel.stats().queued).toBe(1)

    await tel.close()
    expect(ingest.server.requests.map((r) => r.events.length)).toEqual([3, 3, 1])
    expect(numbers(ingest.server.storedEvents())).toEqual([1, 2, 3, 4, 5, 6, 7])
  })

  it('sends a partial batch once flushIntervalMs has passed', async () => {
    const tel = client({ maxBatchSize: 100, flushIntervalMs: 300 })
    const issued = performance.now()
    respond(tel, 1)
    respond(tel, 2)
    await until(() => ingest.server.requests.length === 1)
    expect(ingest.server.requests[0]!.at - issued).toBeGreaterThanOrEqual(295)
    expect(ingest.server.requests[0]!.events).toHaveLength(2)
    expect(ingest.server.requests[0]!.authorization).toBe('Bearer tk_test')
  })

  it('keeps one request in flight; events issued meanwhile wait in the buffer', async () => {
    const tel = client({ maxBatchSize: 2, flushIntervalMs: 60_000 })
    ingest.server.enqueue({ slowMs: 50 }, { slowMs: 50 }, { slowMs: 50 })
    for (let n = 1; n <= 10; n++) respond(tel, n)
    await tel.flush()
    expect(ingest.server.maxConcurrent).toBe(1)
    expect(ingest.server.requests.map((r) => r.events.length)).toEqual([2, 2, 2, 2, 2])
    expect(numbers(ingest.server.storedEvents())).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
  })

  it('flush() sends what is buffered without waiting for the interval', async () => {
    const tel = client({ flushIntervalMs: 60_000 })
    respond(tel, 1)
    await tel.flush()
    expect(numbers(ingest.server.storedEvents())).toEqual([1])
    expect(tel.stats()).toMatchObject({ queued: 0, sent: 1 })
  })
})

describe('buffer', () => {
  it('drops the oldest events on overflow, with one warning for the episode', async () => {
    const tel = client({ maxBufferSize: 5, flushIntervalMs: 60_000 })
    ingest.server.block()
    respond(tel, 0)
    void tel.flush()
    await until(() => ingest.server.inFlight === 1)

    for (let n = 1; n <= 7; n++) respond(tel, n)
    expect(tel.stats()).toMatchObject({ dropped: 2, queued: 6 })
    const warnings = ingest.log.lines.filter((l) => /buffer full/.test(l.message))
    expect(warnings).toHaveLength(1)

    ingest.server.release()
    await tel.close()
    // 0 was in flight, 1 and 2 were the oldest when 6 and 7 came in
    expect(numbers(ingest.server.storedEvents())).toEqual([0, 3, 4, 5, 6, 7])
    expect(tel.stats()).toMatchObject({ sent: 6, dropped: 2, queued: 0 })
  })
})

describe('close', () => {
  it('flushes everything buffered and resolves; a second close is the same promise', async () => {
    const tel = client({ maxBatchSize: 4, flushIntervalMs: 60_000 })
    for (let n = 1; n <= 10; n++) respond(tel, n)
    const closing = tel.close()
    expect(tel.close()).toBe(closing)
    await closing
    expect(numbers(ingest.server.storedEvents())).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(tel.stats()).toMatchObject({ queued: 0, sent: 10, dropped: 0, failedBatches: 0 })
  })

  it('waits out retries before resolving', async () => {
    const tel = client({ maxRetries: 3 })
    ingest.server.enqueue({ status: 500 }, 'destroy')
    respond(tel, 1)
    await tel.close()
    expect(ingest.server.requests).toHaveLength(3)
    expect(numbers(ingest.server.storedEvents())).toEqual([1])
  })

  it('gives up after closeTimeoutMs without rejecting, and says what it dropped', async () => {
    const tel = client({ closeTimeoutMs: 300, requestTimeoutMs: 30_000 })
    ingest.server.block()
    respond(tel, 1)
    respond(tel, 2)
    const started = performance.now()
    await expect(tel.close()).resolves.toBeUndefined()
    expect(performance.now() - started).toBeGreaterThanOrEqual(295)
    const errors = ingest.log.lines.filter((l) => l.level === 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]?.details).toEqual({ droppedEvents: 2 })
    expect(tel.stats()).toMatchObject({ queued: 0, sent: 0, dropped: 2, failedBatches: 1 })
  })
})
