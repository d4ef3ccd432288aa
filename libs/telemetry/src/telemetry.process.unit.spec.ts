import { execFile } from 'node:child_process'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { resolve } from 'node:path'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const root = resolve(import.meta.dirname, '../../..')
const client = resolve(import.meta.dirname, 'telemetry.client.ts')

/** Runs a script in a fresh Node process (TypeScript via tsx), returning its stdout. */
async function script(body: string): Promise<{ stdout: string; ms: number }> {
  const source = `import { Telemetry } from ${JSON.stringify(client)}\n${body}`
  const started = performance.now()
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '--eval', source],
    { cwd: root, timeout: 30_000 },
  )
  return { stdout, ms: performance.now() - started }
}

/** A loopback port nothing listens on: every attempt is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as AddressInfo
  await new Promise((done) => server.close(done))
  return port
}

let unreachable = ''

beforeAll(async () => {
  const url = `http://127.0.0.1:${await closedPort()}`
  unreachable = `{ apiKey: 'k', baseUrl: '${url}', logger: { warn() {}, error() {} }`
})

describe('process lifetime', () => {
  it('never keeps a process alive by itself', async () => {
    const { stdout, ms } = await script(`
      const tel = new Telemetry(${unreachable}, flushIntervalMs: 120_000 })
      tel.response({ sessionId: 's', agentId: 'a', outcome: 'success' })
      console.log('issued')
    `)
    expect(stdout.trim()).toBe('issued')
    // the flush timer alone would hold the process for two minutes
    expect(ms).toBeLessThan(60_000)
  })

  it('keeps it alive through an awaited close, retry pauses included', async () => {
    const { stdout } = await script(`
      const tel = new Telemetry(${unreachable}, baseBackoffMs: 300, maxBackoffMs: 300 })
      tel.response({ sessionId: 's', agentId: 'a', outcome: 'success' })
      await tel.close()
      console.log(JSON.stringify(tel.stats()))
    `)
    expect(JSON.parse(stdout)).toMatchObject({ retried: 3, failedBatches: 1, dropped: 1 })
  })
})
