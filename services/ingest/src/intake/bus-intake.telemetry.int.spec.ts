import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { BusIntake } from '../testing/bus-intake-fixtures.ts'
import { IngestHarness, type TestAgent, type TestKey } from '../testing/ingest-harness.ts'
import { rowsById, sessionEvents, toolCall } from '../testing/telemetry-fixtures.ts'

/** Telemetry published on `<root>.intake.telemetry[.…]`: no key, so each agent's org owns its events. */

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

const inSession = (sessionId: string) => h.count('telemetry_events', sql`session_id = ${sessionId}`)
const start = (agent: TestAgent, sessionId: string) => sessionEvents(agent.agentId, sessionId).start

describe('bus intake of telemetry events', () => {
  it("stores telemetry under each agent's own org", async () => {
    const sessionId = randomUUID()
    const seq = await bus.publish('telemetry', {
      events: [start(agentA, sessionId), start(agentB, sessionId)],
    })
    expect(await bus.rejectedOf([seq])).toEqual([])
    const { rows } = await sql<{ org_id: string; agent_id: string }>`
      select org_id, agent_id from ${sql.id(h.schema, 'telemetry_events')}
      where session_id = ${sessionId}`.execute(h.db)
    const byAgent = Object.fromEntries(rows.map((r) => [r.agent_id, r.org_id]))
    expect(byAgent).toEqual({ [agentA.agentId]: keyA.orgId, [agentB.agentId]: keyB.orgId })
  })

  it.each<[string, string, (e: unknown) => unknown]>([
    ['a batch without a batchId', 'telemetry', (e) => ({ events: [e] })],
    ['a bare array of events', 'telemetry', (e) => [e]],
    ['a single event', 'telemetry', (e) => e],
    [
      'a subject with tokens of its own after telemetry',
      'telemetry.sdk.python',
      (e) => ({ events: [e] }),
    ],
  ])('accepts %s', async (_, protocol, wrap) => {
    const sessionId = randomUUID()
    const seq = await bus.publish(protocol, wrap(start(agentA, sessionId)))
    expect(await bus.rejectedOf([seq])).toEqual([])
    expect(await inSession(sessionId)).toBe(1)
  })

  it('publishes rejected telemetry events with their codes and the accepted ids', async () => {
    const sessionId = randomUUID()
    const revoked = await h.agent(keyA.orgId)
    await h.revoke(revoked)
    const seq = await bus.publish('telemetry', [
      toolCall(agentA.agentId, sessionId, { ok: 1 }),
      start(revoked, sessionId),
      { type: 'tool_call' },
    ])
    const rejection = await bus.rejectionOf(seq)
    expect(rejection.code).toBe('AGENT_REVOKED')
    expect(rejection.rejected.map((r) => [r.index, r.error])).toEqual([
      [1, 'AGENT_REVOKED'],
      [2, 'VALIDATION_ERROR'],
    ])
    expect(rejection.acceptedEventIds).toHaveLength(1)
    const rows = await rowsById(h, rejection.acceptedEventIds)
    expect(rows.map((r) => [r.session_id, r.type])).toEqual([[sessionId, 'tool_call']])
  })

  it('stores a batch with a batchId once however often it is published, and refuses other events under it', async () => {
    const sessionId = randomUUID()
    const batchId = randomUUID()
    const body = { batchId, events: [toolCall(agentA.agentId, sessionId, { n: 1 })] }
    await bus.processed(await bus.publish('telemetry', body))
    const again = await bus.publish('telemetry', body)
    const conflict = await bus.publish('telemetry', {
      batchId,
      events: [toolCall(agentA.agentId, sessionId, { n: 2 })],
    })
    expect(await bus.rejectedOf([again, conflict])).toEqual([conflict])
    expect((await bus.rejectionOf(conflict)).code).toBe('BATCH_CONFLICT')
    expect(await inSession(sessionId)).toBe(1)
  })

  it('keeps batch ids per org, as over HTTP: org B may publish a batchId org A already used', async () => {
    const batchId = `b-${randomUUID()}`
    const sessionA = randomUUID()
    const sessionB = randomUUID()
    await bus.processed(
      await bus.publish('telemetry', { batchId, events: [start(agentA, sessionA)] }),
    )
    const seq = await bus.publish('telemetry', { batchId, events: [start(agentB, sessionB)] })
    expect(await bus.rejectedOf([seq])).toEqual([])
    expect([await inSession(sessionA), await inSession(sessionB)]).toEqual([1, 1])
  })

  it('stores a message without a batchId anew each time it is published (no deduplication)', async () => {
    const sessionId = randomUUID()
    const body = { events: [start(agentA, sessionId)] }
    await bus.publish('telemetry', body)
    await bus.processed(await bus.publish('telemetry', body))
    expect(await inSession(sessionId)).toBe(2)
  })

  it('rejects an event whose time the log cannot hold, and stores the rest of the message', async () => {
    const sessionId = randomUUID()
    const seq = await bus.publish('telemetry', [
      { ...start(agentA, sessionId), startedAt: '0000-06-01T00:00:00Z' },
      toolCall(agentA.agentId, sessionId),
    ])
    const rejection = await bus.rejectionOf(seq)
    expect(rejection.rejected.map((r) => [r.index, r.error])).toEqual([[0, 'VALIDATION_ERROR']])
    expect(rejection.acceptedEventIds).toHaveLength(1)
    expect(await inSession(sessionId)).toBe(1)
  })
})
