import { afterEach, describe, expect, it } from 'vitest'
import { main } from './cli.ts'
import { memoryIo } from './testing/memory-io.ts'
import type { MemoryIoOptions } from './testing/memory-io.ts'
import { KEY_USER, startFakeArdenServer, validEvent } from './testing/fake-arden-server.ts'
import type { FakeArdenOptions, FakeArdenServer } from './testing/fake-arden-server.ts'

let server: FakeArdenServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function start(options?: FakeArdenOptions): Promise<FakeArdenServer> {
  server = await startFakeArdenServer(options)
  return server
}

/** `n` valid events, with the agents at `unknown` indices missing from the registry. */
function events(n: number, unknown: readonly number[] = []): unknown[] {
  return Array.from({ length: n }, (_, i) =>
    validEvent(i, unknown.includes(i) ? 'A-0bad0bad' : undefined),
  )
}

/** The `data.i` of a request's first event: which chunk of the file it is. */
function firstIndex(body: unknown): unknown {
  const first = (body as Array<{ data?: { i?: unknown } }>)[0]
  return first?.data?.i
}

function sendFile(url: string, body: string, extra: string[] = [], io: MemoryIoOptions = {}) {
  const memory = memoryIo({ files: { 'e.json': body }, ...io })
  const run = main(['events', 'send', '--file', 'e.json', '--url', url, ...extra], memory)
  return { io: memory, run }
}

describe('tessera events send (against a real HTTP server)', () => {
  it('sends 250 events in 3 requests and reports rejections by their index in the file', async () => {
    const fake = await start()
    const { io, run } = sendFile(fake.url, JSON.stringify(events(250, [7, 150, 249])))
    expect(await run).toBe(1)
    expect(fake.requests.map((r) => (r.body as unknown[]).length).sort()).toEqual([100, 100, 50])
    expect(io.err.filter((l) => l.startsWith('event '))).toEqual([
      'event 7: unknown_agent\n',
      'event 150: unknown_agent\n',
      'event 249: unknown_agent\n',
    ])
    expect(io.out.at(-1)).toBe('accepted 247, rejected 3\n')
  })

  it('exits 0 when every event is accepted, with the ids by file index under --json', async () => {
    const fake = await start()
    const { io, run } = sendFile(fake.url, JSON.stringify(events(120)), ['--json'])
    expect(await run).toBe(0)
    const summary = JSON.parse(io.stdoutText()) as Record<string, unknown>
    expect(summary).toMatchObject({ total: 120, accepted: 120, rejected: 0, not_sent: 0 })
    const ids = summary['event_ids'] as Array<{ index: number; event_id: string }>
    expect(ids.map((e) => e.index)).toEqual(Array.from({ length: 120 }, (_, i) => i))
  })

  it('gives the NDJSON line of a rejected event', async () => {
    const fake = await start()
    const ndjson = events(3, [1])
      .map((e) => JSON.stringify(e))
      .join('\n\n')
    const { io, run } = sendFile(fake.url, ndjson)
    expect(await run).toBe(1)
    expect(io.err).toEqual(['event 1 (line 3): unknown_agent\n'])
  })

  it('sends one event from flags with the API key as a Bearer token', async () => {
    const fake = await start({ keyUser: KEY_USER })
    const io = memoryIo({ env: { TESSERA_URL: fake.url, TESSERA_API_KEY: 'tsk_secret' } })
    const argv = [
      'events',
      'send',
      '--agent',
      'A-1234ABCD',
      '--bid',
      '1000',
      '--data',
      'task=review',
    ]
    expect(await main(argv, io)).toBe(0)
    expect(fake.requests).toHaveLength(1)
    expect(fake.requests[0]?.authorization).toBe('Bearer tsk_secret')
    const [sent, ...more] = fake.requests[0]?.body as Array<Record<string, unknown>>
    const { time, ...rest } = sent ?? {}
    expect(rest).toEqual({ agent: 'A-1234ABCD', bid: 1000, data: { task: 'review' } })
    expect(time).toBeTypeOf('number')
    expect(more).toEqual([])
    expect(io.stdoutText()).toBe('accepted 1, rejected 0\n')
  })

  it('waits as long as Retry-After says on 429, then retries', async () => {
    const fake = await start({
      respond: (n) =>
        n === 0
          ? { status: 429, headers: { 'retry-after': '2' }, body: { code: 'RATE_LIMITED' } }
          : undefined,
    })
    const { io, run } = sendFile(fake.url, JSON.stringify(events(1)))
    expect(await run).toBe(0)
    expect(fake.requests).toHaveLength(2)
    expect(io.sleeps).toEqual([2000])
    expect(io.err).toEqual(['event 0: HTTP 429, retrying in 2 s\n'])
  })

  it('retries a 5xx with backoff, and gives up after a few attempts with exit 2', async () => {
    const fake = await start({
      respond: () => ({ status: 503, body: { code: 'UPSTREAM_UNAVAILABLE' } }),
    })
    const { io, run } = sendFile(fake.url, JSON.stringify(events(1)))
    expect(await run).toBe(2)
    expect(fake.requests).toHaveLength(4)
    expect(io.sleeps).toEqual([500, 1000, 2000])
    expect(io.stderrText()).toContain('event 0: request failed: HTTP 503 UPSTREAM_UNAVAILABLE')
    expect(io.out.at(-1)).toBe('accepted 0, rejected 0, not sent 1\n')
  })

  it('exits 2 on a whole-request 4xx, and names the events that were not sent', async () => {
    const fake = await start({
      respond: (_n, body) =>
        firstIndex(body) === 100
          ? { status: 413, body: { code: 'PAYLOAD_TOO_LARGE', message: 'too big' } }
          : undefined,
    })
    const { io, run } = sendFile(fake.url, JSON.stringify(events(350, [3])), ['--no-progress'])
    expect(await run).toBe(2)
    expect(io.err).toEqual([
      'event 3: unknown_agent\n',
      'events 100-199: request failed: HTTP 413 PAYLOAD_TOO_LARGE: too big\n',
      'note: the server does not deduplicate: resend only the events that were not sent, not the whole input\n',
    ])
    expect(io.out.at(-1)).toBe('accepted 249, rejected 1, not sent 100\n')
  })

  it('exits 2 when the server cannot be reached, after retrying', async () => {
    const fake = await start()
    const url = fake.url
    await fake.close()
    server = undefined
    const { io, run } = sendFile(url, JSON.stringify(events(1)))
    expect(await run).toBe(2)
    expect(io.sleeps).toHaveLength(3)
    expect(io.stderrText()).toMatch(
      /event 0: request failed: unreachable: .*ECONNREFUSED.*4 attempts/,
    )
  })

  it('exits 2 for a URL that is not http(s)', async () => {
    const io = memoryIo({ fetch: () => Promise.reject(new Error('must not send')) })
    const argv = ['events', 'send', '--agent', 'abc', '--data', 'a=1', '--url', 'ftp://x']
    expect(await main(argv, io)).toBe(2)
    expect(io.stderrText()).toContain('expected http:// or https://')
  })

  it('logs progress every ~10% when stderr is not a terminal', async () => {
    const fake = await start()
    const { io, run } = sendFile(fake.url, JSON.stringify(events(250, [150])))
    expect(await run).toBe(1)
    const progress = io.err.filter((l) => l.startsWith('sent '))
    expect(progress.map((l) => l.match(/^sent (\d+)\/250 events/)?.[1])).toEqual([
      '100',
      '200',
      '250',
    ])
    expect(progress.at(-1)).toMatch(/^sent 250\/250 events \(100%\), \d+ events\/s, 1 rejected\n$/)
  })

  it('shows no progress for a single request, or with --no-progress', async () => {
    const fake = await start()
    const small = sendFile(fake.url, JSON.stringify(events(100)))
    expect(await small.run).toBe(0)
    const quiet = sendFile(fake.url, JSON.stringify(events(250)), ['--no-progress'])
    expect(await quiet.run).toBe(0)
    expect([...small.io.err, ...quiet.io.err]).toEqual([])
  })
})
