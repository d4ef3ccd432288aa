import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import {
  HEADERS,
  deadLetterStream,
  deadLetterSubject,
  eventSubject,
  streamName,
  type Actor,
} from '@tessera/contracts'
import {
  appendToStream,
  eventLogMigrations,
  migrateSchema,
  type EventStoreTables,
} from '@tessera/event-store'
import {
  eventually,
  freshBus,
  freshSchema,
  metadataFor,
  testDatabaseUrl,
  type TestBus,
  type TestSchema,
} from '@tessera/testing'
import {
  type RelayOptions,
  type RunningConsumer,
  runConsumer,
  runRawConsumer,
  startOutboxRelay,
} from './index.ts'
import { ensureConsumer } from './consumer.ts'

const actor: Actor = { kind: 'system', id: 'bus-test' }
const quiet = { info() {}, warn() {}, error() {} }
let t: TestSchema<EventStoreTables>
let bus: TestBus
let nc: NatsConnection
let prefix: string

beforeAll(async () => {
  t = await freshSchema('bus')
  await migrateSchema(t.db, t.schema, eventLogMigrations(t.schema))
  bus = await freshBus('bus-int-test')
  ;({ nc, prefix } = bus)
})
afterAll(async () => {
  await bus.dispose()
  await t.dispose()
})

/** A relay for this file's schema and prefix, publishing to the guardian stream. */
function startRelay(opts: Partial<RelayOptions> = {}) {
  return startOutboxRelay({
    db: t.db,
    connectionString: testDatabaseUrl(),
    schema: t.schema,
    nc,
    context: 'guardian',
    prefix,
    log: quiet,
    ...opts,
  })
}

describe('outbox relay', () => {
  it('publishes each event with its msg-id, stream id, type and trace context', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'
    const [e] = await appendToStream(
      t.db,
      t.schema,
      'traced-1',
      'any',
      [{ type: 'Traced', data: {} }],
      {
        actor,
        traceparent,
      },
    )
    const relay = await startRelay()
    try {
      await relay.drain()
      const jsm = await jetstreamManager(nc)
      const msg = await jsm.streams.getMessage(streamName('guardian', prefix), {
        last_by_subj: eventSubject('guardian', 'Traced', prefix),
      })
      expect(msg!.header.get('Nats-Msg-Id')).toBe(e!.metadata.eventId)
      expect(msg!.header.get(HEADERS.streamId)).toBe('traced-1')
      expect(msg!.header.get(HEADERS.traceparent)).toBe(traceparent)
      expect(msg!.json<{ type: string }>().type).toBe('Traced')
    } finally {
      await relay.stop()
    }
  })

  it('lets one replica publish at a time, and another take over when it stops', async () => {
    const subject = eventSubject('guardian', 'Leader', prefix)
    const published = { a: 0, b: 0 }
    const start = (name: 'a' | 'b') =>
      startRelay({
        idlePollMs: 10,
        standbyPollMs: 50,
        onProgress: (n) => (published[name] += n),
      })
    const a = await start('a')
    // Let a catch up on earlier tests' events before b exists, so the counts below are ours.
    await a.drain()
    published.a = 0
    const b = await start('b')
    const leaders = () => messagesOn(subject)
    const tick = (n: number) => ({ type: 'Leader', data: { n } })
    await appendToStream(t.db, t.schema, 'leader', 'any', [1, 2, 3, 4, 5].map(tick), { actor })
    // the stream can show a message before the relay's progress callback has counted it
    const counted = (n: number) => published.a + published.b === n
    await eventually(async () => ((await leaders()) === 5 && counted(5) ? true : undefined), {
      what: '5 published',
    })
    expect(published).toEqual({ a: 5, b: 0 })
    await a.stop()
    await appendToStream(t.db, t.schema, 'leader', 'any', [6, 7, 8].map(tick), { actor })
    await eventually(async () => ((await leaders()) === 8 && counted(8) ? true : undefined), {
      what: 'b to take over',
    })
    expect(published).toEqual({ a: 5, b: 3 })
    await b.stop()
  })
})

async function messagesOn(subject: string): Promise<number> {
  const jsm = await jetstreamManager(nc)
  const info = await jsm.streams.info(streamName('guardian', prefix), { subjects_filter: subject })
  return info.state.subjects?.[subject] ?? 0
}

describe('dead letters', () => {
  it('moves a poison message to the dead-letter stream with its error and keeps consuming', async () => {
    const js = jetstream(nc)
    const subject = eventSubject('guardian', 'Poison', prefix)
    const good: number[] = []
    const consumer = await runConsumer(
      nc,
      {
        stream: streamName('guardian', prefix),
        durable: 'poison-test',
        filterSubject: subject,
        maxDeliver: 3,
        backoffMs: () => 50,
        batchSize: 10,
        prefix,
      },
      // All-or-nothing like a real transactional handler: a batch holding n=2 fails whole.
      (batch) => {
        const ns = batch.map((d) => (d.envelope.data as { n: number }).n)
        if (ns.includes(2)) return Promise.reject(new Error('cannot digest n=2'))
        good.push(...ns)
        return Promise.resolve()
      },
      quiet,
    )
    try {
      const poison = [0, 1, 2, 3, 4].map((n) => ({ type: 'Poison', data: { n } }))
      await appendToStream(t.db, t.schema, 'poison-src', 'any', poison, { actor })
      const relay = await startRelay()
      await relay.drain()
      await relay.stop()
      // A later message, after the poison one, is still processed.
      const late = { type: 'Poison', data: { n: 5 }, metadata: metadataFor('late') }
      await js.publish(subject, JSON.stringify(late))
      await eventually(() => (good.includes(5) && good.length === 5 ? true : undefined), {
        timeoutMs: 20_000,
        what: `good messages (got ${good.join()})`,
      })
      expect([...good].sort()).toEqual([0, 1, 3, 4, 5])
      const jsm = await jetstreamManager(nc)
      const dl = await eventually(
        () =>
          jsm.streams
            .getMessage(deadLetterStream(prefix), {
              last_by_subj: deadLetterSubject(
                streamName('guardian', prefix),
                'poison-test',
                prefix,
              ),
            })
            .then(
              (m) => m ?? undefined,
              () => undefined,
            ),
        { what: 'the dead letter' },
      )
      expect(dl.header.get(HEADERS.error)).toContain('cannot digest n=2')
      expect(dl.header.get(HEADERS.originalSubject)).toBe(subject)
      expect(dl.header.get(HEADERS.deliveries)).toBe('3')
      expect(dl.json<{ data: { n: number } }>().data.n).toBe(2)
    } finally {
      await consumer.stop()
    }
  })
})

describe('a slow batch', () => {
  it('is not redelivered to another replica while it is handled for longer than ack_wait', async () => {
    const subject = eventSubject('guardian', 'Slow', prefix)
    const deliveries: number[] = []
    // two replicas on one durable: while one handles the batch, the other keeps pulling, and
    // gets whatever the server redelivers
    const replica = () =>
      runConsumer(
        nc,
        {
          stream: streamName('guardian', prefix),
          durable: 'slow-test',
          filterSubject: subject,
          ackWaitMs: 1_000,
          maxDeliver: 2,
          batchSize: 10,
          prefix,
        },
        async (batch) => {
          deliveries.push(...batch.map((d) => d.deliveryCount))
          // three times ack_wait: without the in-progress heartbeat the server redelivers the
          // batch to the other replica meanwhile, and the second redelivery dead-letters it
          await new Promise((r) => setTimeout(r, 3_000))
        },
        quiet,
      )
    const replicas: RunningConsumer[] = []
    try {
      // published first, so the first replica's first fetch takes all three as one batch
      const js = jetstream(nc)
      for (const n of [1, 2, 3])
        await js.publish(
          subject,
          JSON.stringify({ type: 'Slow', data: { n }, metadata: metadataFor(`slow-${n}`) }),
        )
      replicas.push(await replica())
      await eventually(() => (deliveries.length >= 3 ? true : undefined), { what: 'the batch' })
      replicas.push(await replica())
      // past the batch's end and another ack_wait
      await new Promise((r) => setTimeout(r, 4_500))
      expect(deliveries).toEqual([1, 1, 1])
    } finally {
      for (const r of replicas) await r.stop()
    }
  })
})

describe('a durable consumer', () => {
  it('lets twice its batch go unacked (at least 1,000), also when it already existed', async () => {
    const jsm = await jetstreamManager(nc)
    const stream = streamName('guardian', prefix)
    const spec = (batchSize: number) => ({
      stream,
      durable: 'ack-pending-test',
      filterSubject: eventSubject('guardian', 'AckPending', prefix),
      batchSize,
      prefix,
    })
    const pending = async () => (await jsm.consumers.info(stream, 'ack-pending-test')).config
    await ensureConsumer(nc, spec(10))
    expect((await pending()).max_ack_pending).toBe(1_000)
    // a batch of 5,000 could never fill below 5,000 unacked, nor the next one be fetched
    await ensureConsumer(nc, spec(5_000))
    expect((await pending()).max_ack_pending).toBe(10_000)
  })
})

describe('batching', () => {
  /** Batch sizes a raw consumer saw for 30 messages published 10 ms apart. */
  async function trickle(durable: string, maxWaitMs?: number): Promise<number[]> {
    const js = jetstream(nc)
    const subject = eventSubject('guardian', `Trickle${durable}`, prefix)
    const sizes: number[] = []
    const consumer = await runRawConsumer(
      nc,
      {
        stream: streamName('guardian', prefix),
        durable,
        filterSubject: subject,
        batchSize: 100,
        prefix,
        ...(maxWaitMs === undefined ? {} : { maxWaitMs }),
      },
      (batch) => {
        sizes.push(batch.length)
        return Promise.resolve()
      },
      quiet,
    )
    try {
      for (let i = 0; i < 30; i++) {
        await js.publish(subject, JSON.stringify({ i }))
        await new Promise((r) => setTimeout(r, 10))
      }
      await eventually(() => (sizes.reduce((a, b) => a + b, 0) === 30 ? true : undefined), {
        what: `30 messages (got ${sizes.join()})`,
      })
      return sizes
    } finally {
      await consumer.stop()
    }
  }

  it('hands a trickle over message by message by default, in fuller batches with maxWaitMs', async () => {
    expect((await trickle('trickle-default')).length).toBeGreaterThanOrEqual(10)
    // 30 messages over ~0.3 s (more under load), each batch waiting up to 0.5 s for more.
    expect((await trickle('trickle-wait', 500)).length).toBeLessThanOrEqual(3)
  })
})
