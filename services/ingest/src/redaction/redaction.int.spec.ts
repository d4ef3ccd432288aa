import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHash, randomUUID } from 'node:crypto'
import { ulid } from 'ulid'
import type { ArdenResponse, TelemetryBatchResponse } from '@tessera/contracts'
import { eventually } from '@tessera/testing'
import { IngestHarness, type TestAgent, type TestKey } from '../testing/ingest-harness.ts'
import { ardenEvent, put, recordsOnStream, rowOf, toolCall } from '../testing/telemetry-fixtures.ts'

/** An org's redaction policy: param keys dropped or hashed before anything is stored or published. */

let h: IngestHarness
let key: TestKey
let agent: TestAgent

const policy = { dropKeys: ['password'], hashKeys: ['email'] }
const sha256 = (value: unknown) =>
  `sha256:${createHash('sha256').update(JSON.stringify(value)).digest('hex')}`

beforeAll(async () => {
  h = await IngestHarness.start()
  key = await h.org()
  agent = await h.agent(key.orgId)
})
afterAll(async () => {
  await h?.stop()
})

/** Sets an org's policy and waits until ingest applies it. */
async function setPolicy(apiKey: string, body: { dropKeys: string[]; hashKeys: string[] }) {
  const res = await put(h, '/v1/telemetry/redaction', body, apiKey)
  expect(res.status).toBe(200)
  await eventually(
    async () => {
      const got = await h.get<{ dropKeys: string[]; hashKeys: string[] }>(
        '/v1/telemetry/redaction',
        apiKey,
      )
      return got.status === 200 &&
        JSON.stringify(got.body.dropKeys) === JSON.stringify(res.body['dropKeys']) &&
        JSON.stringify(got.body.hashKeys) === JSON.stringify(res.body['hashKeys'])
        ? true
        : undefined
    },
    { what: 'the policy to reach ingest' },
  )
  return res
}

describe('redaction policy', () => {
  it('gives a new org an empty policy', async () => {
    const fresh = await h.org()
    const res = await h.get('/v1/telemetry/redaction', fresh.apiKey)
    expect(res).toEqual({ status: 200, body: { orgId: fresh.orgId, dropKeys: [], hashKeys: [] } })
  })

  it('answers PUT with the policy as it will apply: sorted, deduplicated, a dropped key not hashed', async () => {
    const fresh = await h.org()
    const res = await setPolicy(fresh.apiKey, {
      dropKeys: ['ssn', 'password', 'ssn'],
      hashKeys: ['email', 'ssn'],
    })
    expect(res.body).toEqual({
      orgId: fresh.orgId,
      dropKeys: ['password', 'ssn'],
      hashKeys: ['email'],
    })
    const got = await h.get('/v1/telemetry/redaction', fresh.apiKey)
    expect(got.body).toEqual(res.body)
  })

  it('needs a key: 401 AUTH_FAILED without one', async () => {
    const res = await fetch(`${h.url}/v1/telemetry/redaction`)
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ code: 'AUTH_FAILED' })
  })

  it('refuses a policy that is not lists of key names with 400 VALIDATION_ERROR', async () => {
    const res = await put(h, '/v1/telemetry/redaction', { dropKeys: 'password' }, key.apiKey)
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ code: 'VALIDATION_ERROR' })
  })
})

describe('redaction of stored telemetry', () => {
  beforeAll(async () => {
    await setPolicy(key.apiKey, policy)
  })

  it('drops and hashes tool call params before storing and publishing them', async () => {
    const params = {
      password: 'hunter2',
      email: 'ada@example.com',
      amount: 42,
      nested: { password: 'kept' },
    }
    const res = await h.post<TelemetryBatchResponse>(
      '/v1/telemetry/batch',
      { batchId: randomUUID(), events: [toolCall(agent.agentId, randomUUID(), params)] },
      { key: key.apiKey },
    )
    expect(res.status).toBe(200)
    const id = res.body.eventIds[0]!
    const expected = { email: sha256('ada@example.com'), amount: 42, nested: { password: 'kept' } }
    expect((await rowOf(h, id)).data['params']).toEqual(expected)
    expect(sha256('ada@example.com')).toMatch(/^sha256:[0-9a-f]{64}$/)
    const [record] = await recordsOnStream(h, [id])
    expect(record!.data['params']).toEqual(expected)
    expect(JSON.stringify(record)).not.toContain('hunter2')
  })

  it('hashes the same value to the same digest, so redacted values can still be matched', async () => {
    const send = () =>
      h.post<TelemetryBatchResponse>(
        '/v1/telemetry/batch',
        {
          batchId: randomUUID(),
          events: [toolCall(agent.agentId, randomUUID(), { email: 'same@example.com' })],
        },
        { key: key.apiKey },
      )
    const [a, b] = await Promise.all([send(), send()])
    const [ra, rb] = await Promise.all([
      rowOf(h, a.body.eventIds[0]!),
      rowOf(h, b.body.eventIds[0]!),
    ])
    expect(ra.data['params']).toEqual(rb.data['params'])
  })

  it('applies to the keys of Arden data too', async () => {
    const data = { password: 'hunter2', email: 'ada@example.com', amount: 42 }
    const res = await h.post<ArdenResponse>(
      '/api/events',
      ardenEvent(agent.handle, { data, user: ulid() }),
      { key: key.apiKey },
    )
    expect(res.status).toBe(200)
    expect((await rowOf(h, res.body.event_ids[0]!)).data['data']).toEqual({
      email: sha256('ada@example.com'),
      amount: 42,
    })
  })

  it("leaves other orgs' telemetry alone", async () => {
    const other = await h.org()
    const theirs = await h.agent(other.orgId)
    const params = { password: 'theirs', email: 'x@example.com' }
    const res = await h.post<TelemetryBatchResponse>(
      '/v1/telemetry/batch',
      { batchId: randomUUID(), events: [toolCall(theirs.agentId, randomUUID(), params)] },
      { key: other.apiKey },
    )
    expect((await rowOf(h, res.body.eventIds[0]!)).data['params']).toEqual(params)
  })

  it('stops redacting once the policy is emptied again', async () => {
    const fresh = await h.org()
    const own = await h.agent(fresh.orgId)
    await setPolicy(fresh.apiKey, policy)
    await setPolicy(fresh.apiKey, { dropKeys: [], hashKeys: [] })
    const params = { password: 'p', email: 'e' }
    const res = await h.post<TelemetryBatchResponse>(
      '/v1/telemetry/batch',
      { batchId: randomUUID(), events: [toolCall(own.agentId, randomUUID(), params)] },
      { key: fresh.apiKey },
    )
    expect((await rowOf(h, res.body.eventIds[0]!)).data['params']).toEqual(params)
  })

  it('is changed by admin keys only: a member key (a runtime) gets 403 and the policy stays', async () => {
    const org = await h.org()
    await setPolicy(org.apiKey, policy)
    for (const role of ['member', 'approver'] as const) {
      const other = await h.key(org.orgId, role)
      const res = await put(
        h,
        '/v1/telemetry/redaction',
        { dropKeys: [], hashKeys: [] },
        other.apiKey,
      )
      expect(res).toMatchObject({
        status: 403,
        body: { code: 'AUTH_DENIED', details: { role, allowed: ['admin'] } },
      })
      // it may still read which keys are dropped or hashed
      expect((await h.get('/v1/telemetry/redaction', other.apiKey)).body).toMatchObject(policy)
    }
  })
})
