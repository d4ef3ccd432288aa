import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jetstreamManager } from '@nats-io/jetstream'
import { sql } from 'kysely'
import { type ArdenResponse, type TelemetryRecordsMessage, streamName } from '@tessera/contracts'
import { eventually } from '@tessera/testing'
import { IngestHarness, type TestAgent, type TestKey } from '../testing/ingest-harness.ts'

let h: IngestHarness
let key: TestKey
let agent: TestAgent

beforeAll(async () => {
  h = await IngestHarness.start()
  key = await h.org()
  agent = await h.agent(key.orgId)
})
afterAll(async () => {
  await h?.stop()
})

describe('ingest, end to end in one process', () => {
  it('stores accepted Arden events before answering, and fans them out to TELEMETRY', async () => {
    const events = Array.from({ length: 3 }, (_, i) => ({
      agent: `A-${agent.handle}`,
      time: 1_700_000_000_000 + i,
      data: { i },
    }))
    const res = await h.post<ArdenResponse>('/api/events', events, { key: key.apiKey })
    expect(res.status).toBe(200)
    expect(res.body.event_ids).toHaveLength(3)
    // committed before the 2xx: visible at once
    expect(
      await h.count('telemetry_events', sql`event_id = any(${res.body.event_ids}::uuid[])`),
    ).toBe(3)

    const jsm = await jetstreamManager(h.nc)
    const stream = streamName('telemetry', h.prefix)
    const onStream = await eventually(async () => {
      const ids: string[] = []
      const { state } = await jsm.streams.info(stream)
      for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
        const m = await jsm.streams.getMessage(stream, { seq })
        if (!m?.subject.endsWith('.records.batch')) continue
        ids.push(...m.json<TelemetryRecordsMessage>().records.map((r) => r.eventId))
      }
      return res.body.event_ids.every((id) => ids.includes(id)) ? ids : undefined
    })
    expect(onStream).toEqual(expect.arrayContaining(res.body.event_ids))
    // published means the outbox is cleared
    await eventually(async () => ((await h.count('telemetry_outbox')) === 0 ? true : undefined))
  })
})
