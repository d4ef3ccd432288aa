import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ActionCheckedBatch,
  envelopeOf,
  eventSubject,
  findEventDefinition,
  streamName,
} from '@tessera/contracts'
import { publishEnvelopes } from '@tessera/bus'
import { loadCheckpoint } from '@tessera/event-store'
import { TesseraClient } from '@tessera/sdk'
import { freshBus } from '@tessera/testing'
import { GuardianHarness, callJson } from '../testing/guardian-harness.ts'
import { type DecisionMessage, DecisionRelay, publishDecisionRound } from './decision-relay.ts'

const TOKEN = 'decision-relay-int-bootstrap-token'
const ActionCheckedMessage = envelopeOf('ActionChecked', ActionCheckedBatch)
let h: GuardianHarness

beforeAll(async () => {
  // Two replicas on one schema: one relay leads, the other takes over when it stops.
  h = await GuardianHarness.start(TOKEN, 2)
})

afterAll(async () => {
  await h?.stop()
})

const orgKey = async (name: string) =>
  String((await callJson(h.url, 'POST', '/v1/orgs', TOKEN, { name })).body['apiKey'])

/** Every ActionChecked message on the test's GUARDIAN stream, parsed with its contract. */
async function decisionsOnStream(prefix: string) {
  const jsm = await jetstreamManager(h.nc)
  const stream = streamName('guardian', prefix)
  const subject = eventSubject('guardian', 'ActionChecked', prefix)
  const { state } = await jsm.streams.info(stream)
  const messages = []
  for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
    const m = await jsm.streams.getMessage(stream, { seq })
    if (m?.subject !== subject) continue
    messages.push({ msgId: m.header.get('Nats-Msg-Id'), ...ActionCheckedMessage.parse(m.json()) })
  }
  return messages
}

describe('decisions on the bus', () => {
  it('registers ActionChecked on the GUARDIAN stream', () => {
    expect(findEventDefinition('guardian', 'ActionChecked')?.data).toBe(ActionCheckedBatch)
  })

  it('publishes every check answered, denials included, exactly once per check, and a takeover goes on from the checkpoint', async () => {
    const a = new TesseraClient({ baseUrl: h.url, apiKey: await orgKey('Decisions A') })
    const keyB = await orgKey('Decisions B')
    const b = new TesseraClient({ baseUrl: h.url, apiKey: keyB })
    const agentA = (
      await a.agents.create({ name: 'a', framework: 'test', capabilities: ['web:search'] })
    ).id
    const agentB = (
      await b.agents.create({ name: 'b', framework: 'test', capabilities: ['web:search'] })
    ).id
    // concurrent checks, so that group commits carry several checks and both orgs
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        i % 2
          ? a.actions.check({ agentId: agentA, toolName: i % 3 ? 'web_search' : 'files_delete' })
          : b.actions.check({ agentId: agentB, toolName: 'web_search' }),
      ),
    )
    const denied = answers.filter((x) => x.decision === 'deny')
    expect(denied.length).toBeGreaterThan(0)

    const relay = h.service.app.get(DecisionRelay)
    await relay.drain()
    const first = await decisionsOnStream(h.prefix)
    const published = first.flatMap((m) => m.data.checks)
    expect(published.map((c) => c.checkId).sort()).toEqual(answers.map((x) => x.checkId).sort())
    for (const x of answers) {
      const c = published.find((p) => p.checkId === x.checkId)!
      expect(c).toMatchObject({ decision: x.decision, rule: x.rule, capability: x.capability })
    }
    // the same record as the API's decision log gives (both org A's: answers[1] is its allow)
    for (const x of [denied[0]!, answers[1]!]) {
      expect(published.find((p) => p.checkId === x.checkId)).toEqual(
        await a.actions.getCheck(x.checkId),
      )
    }
    for (const m of first) {
      // one org per message, and the message id is the envelope's event id
      expect(m.data.checks.every((c) => c.orgId === m.data.orgId)).toBe(true)
      expect(m.msgId).toBe(m.metadata.eventId)
    }
    expect(first.some((m) => m.data.checks.length > 1)).toBe(true)

    // The leader stops: the other replica takes over from the stored checkpoint, and
    // publishes the next check, and no check again.
    await h.replicas[0]!.stop()
    const onSecond = new TesseraClient({ baseUrl: h.replicas[1]!.url, apiKey: keyB })
    const more = await onSecond.actions.check({ agentId: agentB, toolName: 'files_delete' })
    expect(more.decision).toBe('deny')
    await h.replicas[1]!.app.get(DecisionRelay).drain()
    const second = await decisionsOnStream(h.prefix)
    const ids = second.flatMap((m) => m.data.checks.map((c) => c.checkId))
    expect(ids.sort()).toEqual([...answers.map((x) => x.checkId), more.checkId].sort())
  })

  it('publishes a round that crashed half way again whole, and JetStream keeps each check once', async () => {
    // the same decision log, relayed by a second checkpoint onto a bus of its own
    const bus = await freshBus('decision-relay-crash')
    try {
      const js = jetstream(bus.nc)
      const round = { db: h.db, schema: h.schema, checkpoint: 'decision-relay-crash-test' }
      const publish = (messages: DecisionMessage[]) =>
        publishEnvelopes(js, 'guardian', messages, bus.prefix)
      let sent: DecisionMessage[] = []
      await expect(
        publishDecisionRound({
          ...round,
          at: await loadCheckpoint(h.db, h.schema, round.checkpoint),
          publish: async (messages) => {
            sent = messages
            await publish(messages.slice(0, Math.ceil(messages.length / 2)))
            throw new Error('crashed after half the messages')
          },
        }),
      ).rejects.toThrow(/crashed/)
      expect(sent.length).toBeGreaterThan(1)
      // the next process starts from the stored checkpoint: the same round, the same messages
      const again = await publishDecisionRound({
        ...round,
        at: await loadCheckpoint(h.db, h.schema, round.checkpoint),
        publish,
      })
      expect(again.published).toBe(sent.flatMap((m) => m.data.checks).length)
      const onStream = await decisionsOnStream(bus.prefix)
      expect(onStream.map((m) => m.metadata.eventId)).toEqual(sent.map((m) => m.metadata.eventId))
      const ids = onStream.flatMap((m) => m.data.checks.map((c) => c.checkId))
      expect(new Set(ids).size).toBe(ids.length)
    } finally {
      await bus.dispose()
    }
  })
})
