import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Telemetry } from './telemetry.client.ts'
import { FakeIngest, memoryLogger } from './testing/fake-ingest.server.ts'
import { paramsOf } from './tool.instrument.ts'

let server: FakeIngest
let tel: Telemetry
let log: ReturnType<typeof memoryLogger>

beforeEach(async () => {
  server = await FakeIngest.start()
  log = memoryLogger()
  tel = new Telemetry({ apiKey: 'tk_test', baseUrl: server.url, logger: log })
})

afterEach(async () => {
  await tel.close()
  await server.close()
})

const ids = { sessionId: 's-1', agentId: 'agent-1' }
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** The tool_call events the server stored. */
async function recorded(): Promise<Record<string, unknown>[]> {
  await tel.flush()
  return server.storedEvents()
}

describe('instrumentTool', () => {
  it('passes an async result through and records a successful tool_call', async () => {
    const search = tel.instrumentTool({
      ...ids,
      tool: 'search',
      pactId: 'pact-1',
      fn: async (q: { query: string }) => {
        await pause(50)
        return { hits: [q.query] }
      },
    })
    await expect(search({ query: 'tessera' })).resolves.toEqual({ hits: ['tessera'] })

    const [call] = await recorded()
    expect(call).toMatchObject({
      type: 'tool_call',
      ...ids,
      tool: 'search',
      pactId: 'pact-1',
      params: { query: 'tessera' },
      outcome: 'success',
    })
    expect(call?.['latencyMs']).toBeGreaterThanOrEqual(45)
    expect(call?.['metadata']).toBeUndefined()
  })

  it('wraps a sync tool as async and lists non-object arguments', async () => {
    const add = tel.instrumentTool({ ...ids, tool: 'add', fn: (a: number, b: number) => a + b })
    const pending = add(2, 3)
    expect(pending).toBeInstanceOf(Promise)
    expect(await pending).toBe(5)
    const [call] = await recorded()
    expect(call).toMatchObject({ params: { args: [2, 3] }, outcome: 'success' })
  })

  it('rethrows the very same error from an async tool and records the failure', async () => {
    const boom = new Error('upstream 502')
    const fetchPage = tel.instrumentTool({
      ...ids,
      tool: 'fetch_page',
      metadata: { region: 'eu' },
      fn: async (_url: string) => {
        await pause(30)
        throw boom
      },
    })
    const caught = await fetchPage('https://example.test').catch((err: unknown) => err)
    expect(caught).toBe(boom)

    const [call] = await recorded()
    expect(call).toMatchObject({
      type: 'tool_call',
      tool: 'fetch_page',
      params: { args: ['https://example.test'] },
      outcome: 'error',
      metadata: { region: 'eu', error: 'upstream 502' },
    })
    expect(call?.['latencyMs']).toBeGreaterThanOrEqual(25)
  })

  it('rethrows the very same error from a sync tool, as a rejection', async () => {
    class ToolDenied extends Error {}
    const denied = new ToolDenied('not allowed')
    const guarded = tel.instrumentTool({
      ...ids,
      tool: 'rm',
      fn: (): never => {
        throw denied
      },
    })
    const pending = guarded()
    await expect(pending).rejects.toBe(denied)
    const [call] = await recorded()
    expect(call).toMatchObject({ outcome: 'error', metadata: { error: 'not allowed' } })
    expect(typeof call?.['latencyMs']).toBe('number')
  })

  it('records a thrown non-Error by its string form', async () => {
    const odd = tel.instrumentTool({
      ...ids,
      tool: 'odd',
      fn: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- a badly behaved tool
        throw 'plain string'
      },
    })
    await expect(odd()).rejects.toBe('plain string')
    const [call] = await recorded()
    expect(call).toMatchObject({ outcome: 'error', metadata: { error: 'plain string' } })
  })

  it('still returns the result when the tool_call itself cannot be recorded', async () => {
    const badIds = tel.instrumentTool({ sessionId: '', agentId: 'a', tool: 't', fn: () => 42 })
    await expect(badIds()).resolves.toBe(42)
    expect(log.lines).toHaveLength(1)
    expect(log.lines[0]?.message).toMatch(/sessionId/)
  })
})

describe('paramsOf', () => {
  it('keeps a plain-object first argument and lists anything else', () => {
    expect(paramsOf([{ a: 1 }])).toEqual({ a: 1 })
    expect(paramsOf([{ a: 1 }, 2])).toEqual({ a: 1 })
    expect(paramsOf([])).toEqual({ args: [] })
    expect(paramsOf(['x', 1])).toEqual({ args: ['x', 1] })
    expect(paramsOf([[1, 2]])).toEqual({ args: [[1, 2]] })
    expect(paramsOf([new Date(0)])).toEqual({ args: [new Date(0)] })
    expect(paramsOf([Object.create(null)])).toEqual({})
  })
})
