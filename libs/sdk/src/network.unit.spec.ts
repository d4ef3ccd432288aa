import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NetworkError, TesseraClient } from './index.ts'
import { FakeGuardian } from './testing/fake-guardian.ts'

let fake: FakeGuardian

beforeAll(async () => {
  fake = await FakeGuardian.start()
})
afterAll(() => fake.stop())

/** A port nothing listens on: bound by us, then released. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe('no HTTP answer is a NetworkError', () => {
  it('on a refused connection', async () => {
    const port = await closedPort()
    const client = new TesseraClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: 'k' })
    const err: unknown = await client.agents.list().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(NetworkError)
    expect(err).toMatchObject({
      code: 'NETWORK_ERROR',
      status: undefined,
      details: { reason: 'ECONNREFUSED' },
    })
    expect((err as Error).message).toContain('GET /v1/agents')
  })

  it('on a connection reset before the answer', async () => {
    fake.reply('destroy')
    const client = new TesseraClient({ baseUrl: fake.url, apiKey: 'k' })
    const err: unknown = await client.agents.get('agt_x').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(NetworkError)
    expect((err as NetworkError).code).toBe('NETWORK_ERROR')
  })

  it('on a timeout waiting for the answer', async () => {
    fake.reply('hang')
    const client = new TesseraClient({ baseUrl: fake.url, apiKey: 'k', timeoutMs: 100 })
    const started = performance.now()
    const err: unknown = await client.tokens.introspect({ token: 't' }).catch((e: unknown) => e)
    expect(performance.now() - started).toBeLessThan(2_000)
    expect(err).toBeInstanceOf(NetworkError)
    expect(err).toMatchObject({ details: { reason: 'timeout', timeoutMs: 100 } })
    expect((err as Error).message).toContain('no answer within 100 ms')
  })

  it('on a timeout while the body is still coming', async () => {
    fake.reply('stall-body')
    const client = new TesseraClient({ baseUrl: fake.url, apiKey: 'k', timeoutMs: 100 })
    const err: unknown = await client.agents.list().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(NetworkError)
    expect(err).toMatchObject({ details: { reason: 'timeout' } })
  })
})
