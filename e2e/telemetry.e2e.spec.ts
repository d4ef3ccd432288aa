import { execFile } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Telemetry } from '@tessera/telemetry'
import { eventually } from '@tessera/testing'
import {
  BOOTSTRAP_TOKEN,
  startInfra,
  startStack,
  type E2eInfra,
  type RunningStack,
} from './src/index.ts'

let infra: E2eInfra
let stack: RunningStack
let apiKey: string
let agent: { id: string; handle: string }

type Body = Record<string, unknown>
async function call(method: string, path: string, body?: unknown, key = apiKey) {
  const res = await fetch(`${stack.gatewayUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? null : JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as Body }
}

beforeAll(async () => {
  infra = await startInfra()
  stack = await startStack(infra)
  const org = await call('POST', '/v1/orgs', { name: 'Telemetry E2E' }, BOOTSTRAP_TOKEN)
  apiKey = (org.body as { apiKey: string }).apiKey
  const created = await call('POST', '/v1/agents', {
    name: 'Reviewer',
    framework: 'e2e',
    capabilities: ['code:review'],
  })
  expect(created.status).toBe(201)
  agent = created.body as { id: string; handle: string }
})
afterAll(async () => {
  await stack?.stop()
  await infra?.dispose()
})

describe('telemetry through the gateway, as a user would send it', () => {
  it('accepts Arden events for an agent registered with guardian, once ingest has heard of it', async () => {
    const event = { agent: agent.handle, bid: 1000, time: Date.now(), data: { task: 'review' } }
    // Ingest learns agents from guardian's events over the bus: accepted within moments.
    const res = await eventually(
      async () => {
        const r = await call('POST', '/api/events', [event, { ...event, agent: 'A-0' }])
        return r.status === 207 ? r : undefined
      },
      { timeoutMs: 20_000, what: 'the agent to reach ingest' },
    )
    expect(res.body).toMatchObject({
      status: 'partial',
      accepted_count: 1,
      rejected: [{ index: 1, error: 'unknown_agent' }],
    })
    const page = await call('GET', `/v1/agents/${agent.id}/telemetry?type=arden_event`)
    expect(page.status).toBe(200)
    expect((page.body['items'] as Body[]).map((i) => i['eventId'])).toEqual(res.body['event_ids'])
  })

  it('records a session sent with the SDK, tool calls included, readable in order', async () => {
    const tel = new Telemetry({ apiKey, baseUrl: stack.gatewayUrl, flushIntervalMs: 100 })
    const sessionId = `e2e-${Date.now()}`
    const agentId = agent.id
    tel.sessionStart({ sessionId, agentId, startedAt: new Date().toISOString() })
    const review = tel.instrumentTool({
      sessionId,
      agentId,
      tool: 'review',
      fn: (p: { file: string }) => Promise.resolve(`ok ${p.file}`),
    })
    const failing = tel.instrumentTool({
      sessionId,
      agentId,
      tool: 'deploy',
      fn: (): Promise<never> => Promise.reject(new Error('no deploys on Fridays')),
    })
    expect(await review({ file: 'a.ts' })).toBe('ok a.ts')
    await expect(failing()).rejects.toThrow('no deploys on Fridays')
    tel.sessionEnd({ sessionId, agentId, endedAt: new Date().toISOString(), outcome: 'success' })
    await tel.close()

    const page = await call('GET', `/v1/telemetry/sessions/${sessionId}`)
    expect(page.status).toBe(200)
    const items = page.body['items'] as { type: string; data: Body }[]
    expect(items.map((i) => i.type)).toEqual([
      'session_start',
      'tool_call',
      'tool_call',
      'session_end',
    ])
    expect(items[1]!.data).toMatchObject({
      tool: 'review',
      outcome: 'success',
      params: { file: 'a.ts' },
    })
    expect(items[2]!.data).toMatchObject({ tool: 'deploy', outcome: 'error' })
  })

  it('sends a file with the CLI and exits non-zero on a rejection, naming it', async () => {
    const file = join(tmpdir(), `tessera-e2e-${Date.now()}.ndjson`)
    const good = { agent: agent.handle, time: Date.now(), data: { task: 'cli' } }
    const lines = [
      ...Array.from({ length: 150 }, () => good),
      { ...good, data: { nested: { no: 1 } } },
    ]
    await writeFile(file, lines.map((l) => JSON.stringify(l)).join('\n'))
    const run = promisify(execFile)
    const env = { ...process.env, TESSERA_URL: stack.gatewayUrl, TESSERA_API_KEY: apiKey }
    const failed = await run(
      process.execPath,
      ['--import', 'tsx', 'libs/cli/src/main.ts', 'events', 'send', '--file', file],
      { env },
    ).then(
      () => null,
      (err: { code: number; stdout: string; stderr: string }) => err,
    )
    expect(failed?.code).toBe(1)
    expect(failed?.stdout).toContain('accepted 150, rejected 1')
    expect(failed?.stderr).toContain('event 150')
    const page = await call('GET', `/v1/agents/${agent.id}/telemetry?type=arden_event&limit=1000`)
    expect(
      (page.body['items'] as { data: { data: Body } }[]).filter(
        (i) => i.data.data['task'] === 'cli',
      ),
    ).toHaveLength(150)
  })
})
