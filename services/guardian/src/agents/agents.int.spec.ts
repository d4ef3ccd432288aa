import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jetstreamManager } from '@nats-io/jetstream'
import { type AnyEnvelope, type Envelope, ULID_PATTERN, streamName } from '@tessera/contracts'
import { eventually } from '@tessera/testing'
import { GuardianHarness, type Json, callJson } from '../testing/guardian-harness.ts'
import { agentsProjection } from './agents.projection.ts'
import { isHandleTaken } from './agents.repository.ts'

const TOKEN = 'agents-int-bootstrap-token'
// the did:key spec's Ed25519 test vector: JWK `x`, and the did:key it makes
const x = 'O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik'
const did = 'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp'

let h: GuardianHarness
let orgA: { orgId: string; apiKey: string }
let orgB: { orgId: string; apiKey: string }

const call = (method: string, path: string, key?: string, body?: unknown) =>
  callJson(h.url, method, path, key, body)
const register = (key: string, body: Json) => call('POST', '/v1/agents', key, body)
const agent = { name: 'Researcher', framework: 'langgraph', capabilities: ['web:search'] }

/** Every event guardian published on its stream, in order. */
async function published(type: string): Promise<AnyEnvelope[]> {
  const jsm = await jetstreamManager(h.nc)
  const stream = streamName('guardian', h.prefix)
  const { state } = await jsm.streams.info(stream)
  const out: AnyEnvelope[] = []
  for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
    const msg = await jsm.streams.getMessage(stream, { seq })
    const e = msg?.json<AnyEnvelope>()
    if (e?.type === type) out.push(e)
  }
  return out
}

beforeAll(async () => {
  h = await GuardianHarness.start(TOKEN)
  const createOrg = async (name: string) => {
    const res = await call('POST', '/v1/orgs', TOKEN, { name })
    expect(res.status).toBe(201)
    return res.body as { orgId: string; apiKey: string }
  }
  orgA = await createOrg('Org A')
  orgB = await createOrg('Org B')
})

afterAll(async () => {
  await h?.stop()
})

describe('API keys', () => {
  it('are issued for a user, a ULID that every service hears of', async () => {
    const issued = await eventually(async () => {
      const all = await published('ApiKeyIssued')
      return all.find((e) => (e.data as Json)['orgId'] === orgA.orgId)
    })
    expect((issued.data as Json)['userId']).toMatch(ULID_PATTERN)
  })
})

describe('agents', () => {
  it('are registered with an Arden handle, and a did:key when they bring a key', async () => {
    const base64 = Buffer.from(x, 'base64url').toString('base64')
    const res = await register(orgA.apiKey, {
      ...agent,
      capabilities: ['web:search', 'files:read'],
      metadata: { team: 'research' },
      publicKey: base64,
    })
    expect(res.status).toBe(201)
    expect(res.body).toEqual({
      id: expect.stringMatching(/^agt_[0-9a-z]{26}$/) as string,
      orgId: orgA.orgId,
      name: 'Researcher',
      framework: 'langgraph',
      capabilities: ['web:search', 'files:read'],
      metadata: { team: 'research' },
      status: 'active',
      handle: expect.stringMatching(/^A-[0-9a-f]{8}$/) as string,
      publicKey: x,
      did,
      createdAt: expect.any(String) as string,
    })
    const again = await call('GET', `/v1/agents/${String(res.body['id'])}`, orgA.apiKey)
    expect(again).toEqual({ status: 200, body: res.body })
  })

  it('refuses bad input, and callers without a valid key', async () => {
    const cases: Json[] = [
      { ...agent, publicKey: 'not-a-key' },
      { ...agent, publicKey: x.slice(0, 40) },
      { ...agent, capabilities: ['Web Search'] },
      { ...agent, name: ' ' },
      { name: 'No framework', capabilities: [] },
    ]
    for (const body of cases) {
      const res = await register(orgA.apiKey, body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.body['code']).toBe('VALIDATION_ERROR')
    }
    expect((await register('', agent)).status).toBe(401)
    expect((await register('tsk_live_nope', agent)).body['code']).toBe('AUTH_FAILED')
  })

  it("never shows one org another org's agents", async () => {
    const mine = await register(orgA.apiKey, agent)
    const id = String(mine.body['id'])
    const get = await call('GET', `/v1/agents/${id}`, orgB.apiKey)
    expect(get).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } })
    const revoke = await call('POST', `/v1/agents/${id}/revoke`, orgB.apiKey, {
      reason: 'mine now',
    })
    expect(revoke).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } })
    const list = await call('GET', '/v1/agents?limit=100', orgB.apiKey)
    expect((list.body['items'] as Json[]).map((a) => a['id'])).not.toContain(id)
    expect((await call('GET', `/v1/agents/${id}`, orgA.apiKey)).body['status']).toBe('active')
  })

  it('are listed newest first, a page at a time, by status', async () => {
    const org = (await call('POST', '/v1/orgs', TOKEN, { name: 'Lister' })).body as typeof orgA
    const ids: string[] = []
    for (const name of ['one', 'two', 'three']) {
      ids.push(String((await register(org.apiKey, { ...agent, name })).body['id']))
    }
    const first = await call('GET', '/v1/agents?limit=2', org.apiKey)
    expect((first.body['items'] as Json[]).map((a) => a['name'])).toEqual(['three', 'two'])
    const cursor = encodeURIComponent(String(first.body['nextCursor']))
    const second = await call('GET', `/v1/agents?limit=2&cursor=${cursor}`, org.apiKey)
    expect(second.body).toMatchObject({ items: [{ name: 'one' }], nextCursor: null })

    await call('POST', `/v1/agents/${ids[1]}/revoke`, org.apiKey, { reason: 'retired' })
    const names = async (status: string) =>
      ((await call('GET', `/v1/agents?status=${status}`, org.apiKey)).body['items'] as Json[]).map(
        (a) => a['name'],
      )
    expect(await names('active')).toEqual(['three', 'one'])
    expect(await names('revoked')).toEqual(['two'])
    expect((await call('GET', '/v1/agents?cursor=bogus', org.apiKey)).status).toBe(400)
    expect((await call('GET', '/v1/agents?status=paused', org.apiKey)).status).toBe(400)
  })

  it('are revoked at once and for good, and the bus hears of it', async () => {
    const id = String((await register(orgA.apiKey, agent)).body['id'])
    const revoked = await call('POST', `/v1/agents/${id}/revoke`, orgA.apiKey, {
      reason: 'key leaked',
    })
    expect(revoked).toMatchObject({
      status: 200,
      body: { id, status: 'revoked', revokedReason: 'key leaked' },
    })
    expect(Date.parse(String(revoked.body['revokedAt']))).not.toBeNaN()
    const twice = await call('POST', `/v1/agents/${id}/revoke`, orgA.apiKey, { reason: 'again' })
    expect(twice).toMatchObject({ status: 409, body: { code: 'AGENT_REVOKED' } })
    expect((await call('GET', `/v1/agents/${id}`, orgA.apiKey)).body).toMatchObject({
      status: 'revoked',
      revokedReason: 'key leaked',
    })

    const onBus = await eventually(async () => {
      const [reg, rev] = await Promise.all([
        published('AgentRegistered'),
        published('AgentRevoked'),
      ])
      const mine = (e: AnyEnvelope) => (e.data as Json)['agentId'] === id
      return reg.some(mine) && rev.some(mine) ? rev.filter(mine) : undefined
    })
    expect(onBus).toHaveLength(1)
    expect(onBus[0]).toMatchObject({
      data: { agentId: id, orgId: orgA.orgId, reason: 'key leaked' },
      metadata: { streamId: `agent-${id}`, actor: { kind: 'api_key', orgId: orgA.orgId } },
    })
  })

  it('each get a handle no other agent of any org has', async () => {
    const handles = new Set<string>()
    for (const key of [orgA.apiKey, orgB.apiKey, orgA.apiKey, orgB.apiKey]) {
      handles.add(String((await register(key, agent)).body['handle']))
    }
    expect(handles.size).toBe(4)

    // the database is what guarantees it: a second agent with a taken handle is refused
    const [taken] = [...handles].map((h) => h.slice(2))
    const data = {
      agentId: 'agt_0000000000000000000000000z',
      orgId: orgB.orgId,
      name: 'Copycat',
      framework: 'none',
      capabilities: [],
      handle: taken ?? '',
      registeredAt: new Date().toISOString(),
    }
    const event = { type: 'AgentRegistered', data } as unknown as Envelope
    const copy = h.db.transaction().execute((tx) => agentsProjection.evolve(tx, h.schema, event))
    const err: unknown = await copy.then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(isHandleTaken(err)).toBe(true)
  })
})
