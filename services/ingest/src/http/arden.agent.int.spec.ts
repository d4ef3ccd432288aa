import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ulid } from 'ulid'
import type { ArdenResponse } from '@tessera/contracts'
import { IngestHarness, type TestAgent, type TestKey } from '../testing/ingest-harness.ts'
import { ardenEvent, rowOf } from '../testing/telemetry-fixtures.ts'

/** Arden v1 agent rules: `^(?:[aAsS]-)?[0-9a-fA-F]{1,8}$`, case-insensitive, registered and active. */

let h: IngestHarness
let keyA: TestKey
let keyB: TestKey
let agentA: TestAgent
let shortA: TestAgent
let agentB: TestAgent

beforeAll(async () => {
  h = await IngestHarness.start()
  keyA = await h.org()
  keyB = await h.org()
  agentA = await h.agent(keyA.orgId, '1234abcd')
  shortA = await h.agent(keyA.orgId, '00000abc')
  agentB = await h.agent(keyB.orgId, '5678ef90')
})
afterAll(async () => {
  await h?.stop()
})

const send = (agent: unknown, key?: string, extra: Record<string, unknown> = {}) =>
  h.post<ArdenResponse>('/api/events', ardenEvent('x', { agent, ...extra }), key ? { key } : {})

const rejectedWith = (error: string) => ({
  status: 'rejected',
  accepted_count: 0,
  rejected_count: 1,
  rejected: [{ index: 0, error }],
  event_ids: [],
})

describe('Arden v1 agent format', () => {
  it.each([
    'A-1234abcd',
    'a-1234ABCD',
    'A-1234ABCD',
    'S-1234abcd',
    's-1234AbCd',
    '1234abcd',
    '1234ABCD',
  ])(
    'accepts %s as the agent registered with handle 1234abcd (case-insensitive, any prefix)',
    async (agent) => {
      const res = await send(agent, keyA.apiKey)
      expect(res.status).toBe(200)
      expect(res.body.status).toBe('accepted')
      const row = await rowOf(h, res.body.event_ids[0]!)
      expect(row.agent_id).toBe(agentA.agentId)
      expect(row.org_id).toBe(keyA.orgId)
    },
  )

  it.each(['A-abc', 'abc', 's-ABC', 'A-0abc'])(
    'reads short hex %s as zero-padded: it names the agent with handle 00000abc',
    async (agent) => {
      const res = await send(agent, keyA.apiKey)
      expect(res.status).toBe(200)
      expect((await rowOf(h, res.body.event_ids[0]!)).agent_id).toBe(shortA.agentId)
    },
  )

  it.each<[string, unknown]>([
    ['an unknown prefix B-', 'B-1234abcd'],
    ['9 hex digits', 'A-123456789'],
    ['non-hex letters', 'A-xyz'],
    ['a prefix without hex', 'A-'],
    ['an empty string', ''],
    ['surrounding whitespace', ' A-1234abcd'],
    ['a number', 12345678],
    ['null', null],
  ])('rejects an agent that is %s with validation_error', async (_, agent) => {
    const res = await send(agent, keyA.apiKey)
    expect(res.status).toBe(400)
    expect(res.body).toEqual(rejectedWith('validation_error'))
  })

  it('rejects a well-formed agent nobody registered with unknown_agent', async () => {
    const res = await send('A-0badf00d', keyA.apiKey)
    expect(res.status).toBe(400)
    expect(res.body).toEqual(rejectedWith('unknown_agent'))
  })
})

describe('Arden v1 agent registry', () => {
  it('rejects a revoked agent with unknown_agent, though it was accepted before', async () => {
    const agent = await h.agent(keyA.orgId)
    expect((await send(`A-${agent.handle}`, keyA.apiKey)).status).toBe(200)
    await h.revoke(agent)
    const res = await send(`A-${agent.handle}`, keyA.apiKey)
    expect(res.status).toBe(400)
    expect(res.body).toEqual(rejectedWith('unknown_agent'))
  })

  it("rejects another org's agent with unknown_agent when the key is of org A", async () => {
    const res = await send(`A-${agentB.handle}`, keyA.apiKey)
    expect(res.status).toBe(400)
    expect(res.body).toEqual(rejectedWith('unknown_agent'))
  })

  it("accepts the same agent with its own org's key", async () => {
    const res = await send(`A-${agentB.handle}`, keyB.apiKey)
    expect(res.status).toBe(200)
    expect((await rowOf(h, res.body.event_ids[0]!)).org_id).toBe(keyB.orgId)
  })

  it("stores an event sent without a key under the agent's own org", async () => {
    const res = await send(`A-${agentB.handle}`, undefined, { user: ulid() })
    expect(res.status).toBe(200)
    const row = await rowOf(h, res.body.event_ids[0]!)
    expect(row.org_id).toBe(keyB.orgId)
    expect(row.agent_id).toBe(agentB.agentId)
  })

  it("treats an invalid token as no key: the agent's own org is used", async () => {
    const res = await send(`A-${agentB.handle}`, 'tsk_live_notarealkeynotarealkey00', {
      user: ulid(),
    })
    expect(res.status).toBe(200)
    expect((await rowOf(h, res.body.event_ids[0]!)).org_id).toBe(keyB.orgId)
  })

  it('records the agent kind from the prefix: A- real, S- simulated, none unspecified', async () => {
    const kinds: Record<string, string> = {}
    for (const agent of ['a-1234abcd', 'S-1234abcd', '1234abcd']) {
      const res = await send(agent, keyA.apiKey)
      kinds[agent] = (await rowOf(h, res.body.event_ids[0]!)).data['agentKind'] as string
    }
    expect(kinds).toEqual({
      'a-1234abcd': 'real',
      'S-1234abcd': 'simulated',
      '1234abcd': 'unspecified',
    })
  })
})
