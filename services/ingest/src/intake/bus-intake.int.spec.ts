import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHash, randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { ulid } from 'ulid'
import { subjectRoot } from '@tessera/contracts'
import { BusIntake } from '../testing/bus-intake-fixtures.ts'
import { IngestHarness, type TestAgent, type TestKey } from '../testing/ingest-harness.ts'
import { ardenEvent, rowsById } from '../testing/telemetry-fixtures.ts'
import { IntakeService } from './intake.service.ts'

/** Arden bodies published on `<root>.intake.arden`, validated exactly as over HTTP. */

let h: IngestHarness
let bus: BusIntake
let keyA: TestKey
let keyB: TestKey
let agentA: TestAgent
let agentB: TestAgent

beforeAll(async () => {
  h = await IngestHarness.start()
  bus = new BusIntake(h)
  keyA = await h.org()
  keyB = await h.org()
  agentA = await h.agent(keyA.orgId)
  agentB = await h.agent(keyB.orgId)
})
afterAll(async () => {
  await h?.stop()
})

const withMarker = (marker: string) => sql`data->'data'->>'marker' = ${marker}`
const storedWith = (marker: string) => h.count('telemetry_events', withMarker(marker))
/** On the bus there is no token: every Arden event names its user. */
const arden = (agent: TestAgent, marker: string, extra: Record<string, unknown> = {}) =>
  ardenEvent(agent.handle, { user: ulid(), data: { marker }, ...extra })

describe('bus intake of Arden events', () => {
  it("stores an Arden body's events, each under its agent's org", async () => {
    const marker = randomUUID()
    const seq = await bus.publish('arden', [arden(agentA, marker), arden(agentB, marker)])
    await bus.processed(seq)
    expect(await storedWith(marker)).toBe(2)
    expect(await bus.rejectedOf([seq])).toEqual([])
    const { rows } = await sql<{
      org_id: string
    }>`select org_id from ${sql.id(h.schema, 'telemetry_events')}
      where ${withMarker(marker)} order by org_id`.execute(h.db)
    expect(rows.map((r) => r.org_id)).toEqual([keyA.orgId, keyB.orgId].sort())
  })

  it('stores the accepted events of a mixed body and publishes the rest as IntakeRejected', async () => {
    const marker = randomUUID()
    const body = [
      arden(agentA, marker),
      arden(agentA, marker, { user: undefined }),
      arden(agentA, marker, { agent: 'A-0badf00d' }),
    ]
    const text = JSON.stringify(body)
    const seq = await bus.publish('arden', text)
    const rejection = await bus.rejectionOf(seq)
    expect(rejection).toMatchObject({
      subject: `${subjectRoot(h.prefix)}.intake.arden`,
      streamSequence: seq,
      code: 'invalid_user',
      payload: text,
    })
    expect(rejection.rejected).toEqual([
      { index: 1, error: 'invalid_user', message: expect.any(String) as string },
      { index: 2, error: 'unknown_agent', message: expect.any(String) as string },
    ])
    expect(rejection.acceptedEventIds).toHaveLength(1)
    const rows = await rowsById(h, rejection.acceptedEventIds)
    expect(rows.map((r) => r.data['data'])).toEqual([{ marker }])
    expect(await storedWith(marker)).toBe(1)
  })

  it.each<[string, string, string | Uint8Array, string]>([
    ['malformed JSON', 'arden', '{"agent":', 'MALFORMED_JSON'],
    ['an empty array', 'arden', '[]', 'EMPTY_BATCH'],
    ['101 events', 'arden', JSON.stringify(Array(101).fill({})), 'TOO_MANY_EVENTS'],
    ['a subject that is neither arden nor telemetry', 'other', '[]', 'UNKNOWN_INTAKE_SUBJECT'],
  ])('refuses %s as a whole, with its code and the payload', async (_, protocol, payload, code) => {
    const seq = await bus.publish(protocol, payload)
    const rejection = await bus.rejectionOf(seq)
    expect(rejection).toMatchObject({ code, acceptedEventIds: [], payload })
    expect(rejection.rejected).toEqual([
      { index: -1, error: code, message: expect.any(String) as string },
    ])
  })

  it('returns bytes that are not UTF-8 in the payload with replacement characters', async () => {
    const seq = await bus.publish('arden', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))
    const rejection = await bus.rejectionOf(seq)
    expect(rejection.code).toBe('MALFORMED_JSON')
    expect(rejection.payload).toBe('{\uFFFD\uFFFD}')
  })

  it('stores the same payload published twice as two messages twice (no deduplication)', async () => {
    const marker = randomUUID()
    const text = JSON.stringify(arden(agentA, marker))
    await bus.publish('arden', text)
    await bus.processed(await bus.publish('arden', text))
    expect(await storedWith(marker)).toBe(2)
  })

  it('stores a redelivered message once: the claim answers the second attempt with the first ids', async () => {
    const marker = randomUUID()
    const intake = h.service.app.get(IntakeService)
    const events = [arden(agentA, marker), arden(agentA, marker, { bid: -1 })]
    const hash = createHash('sha256').update(JSON.stringify(events)).digest('hex')
    const claim = { id: `intake:test-${randomUUID()}:${hash}`, hash }
    const first = await intake.arden(events, null, claim)
    const second = await intake.arden(events, null, claim)
    expect(first.response).toMatchObject({
      status: 'partial',
      accepted_count: 1,
      rejected: [{ index: 1, error: 'validation_error' }],
    })
    expect(second.response).toEqual(first.response)
    expect(await storedWith(marker)).toBe(1)
  })
})
