import { type NatsConnection } from '@nats-io/transport-node'
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type JsMsg,
} from '@nats-io/jetstream'
import { nanos } from '@nats-io/nats-core'
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { AnyEnvelope } from '@tessera/contracts'
import { sendToDeadLetter } from './dead-letter.ts'
import { errorMessage } from './error-message.ts'
import { extractTrace } from './trace-headers.ts'

export interface ConsumerSpec {
  /** Full stream name, prefix included. */
  stream: string
  /** Durable consumer name: `<service>-<purpose>`. */
  durable: string
  /** One subject (nats-server 2.9 takes a single filter per consumer). */
  filterSubject: string
  /** Attempts before the message goes to the dead-letter stream. */
  maxDeliver?: number
  ackWaitMs?: number
  /** Messages handed to the handler at once; a failing batch is retried one by one. */
  batchSize?: number
  /** Delay before the n-th redelivery (n from 1). */
  backoffMs?: (attempt: number) => number
  /** Test isolation prefix, for the dead-letter subject. */
  prefix?: string
  /**
   * Subjects this consumer acks unread: events it has no handler for. A context's consumers
   * share one filter (nats-server 2.9), so without this every consumer of `guardian` would
   * parse, and commit a transaction for, each of guardian's decision batches.
   */
  skip?: (subject: string) => boolean
  /**
   * Opt-in: how long a batch may wait to fill up. By default a batch is handed over as soon as
   * nothing more is buffered, so under a steady trickle batches stay tiny; a consumer whose cost
   * is per batch sets this to get fewer, fuller ones. A batch still goes at `batchSize`, or when
   * the fetch ends (about a second); a batch waits at most this long for more.
   */
  maxWaitMs?: number
}

export interface Delivered {
  envelope: AnyEnvelope
  subject: string
  streamSequence: number
  deliveryCount: number
}

export type BatchHandler = (batch: Delivered[]) => Promise<void>

/** A message delivered as bytes, for subjects that do not carry envelopes (bus intake). */
export interface RawDelivered {
  data: Uint8Array
  subject: string
  streamSequence: number
  deliveryCount: number
}

type Decoded<T> = { ok: true; value: T } | { ok: false; error: string }

export interface BusLogger {
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
  error(obj: object, msg?: string): void
}

export interface RunningConsumer {
  stop(): Promise<void>
  /** Resolves when the loop has exited. */
  readonly done: Promise<void>
}

const tracer = trace.getTracer('@tessera/bus')

/** Exponential backoff with full jitter, 200 ms doubling to 30 s. */
export function defaultBackoff(attempt: number): number {
  const cap = Math.min(30_000, 200 * 2 ** Math.max(0, attempt - 1))
  return Math.round(cap / 2 + Math.random() * (cap / 2))
}

/** Creates the durable pull consumer, or updates it to the spec. Idempotent. */
export async function ensureConsumer(nc: NatsConnection, spec: ConsumerSpec): Promise<void> {
  const jsm = await jetstreamManager(nc)
  const config = {
    durable_name: spec.durable,
    filter_subject: spec.filterSubject,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(spec.ackWaitMs ?? 30_000),
    // +1: the last delivery is the one on which we dead-letter; the server never drops it.
    max_deliver: (spec.maxDeliver ?? 5) + 1,
    // The server stops delivering at this many unacked messages, and a batch is acked only once
    // it committed: below twice the batch size, a batch could never fill, nor the next one
    // be fetched while it commits.
    max_ack_pending: Math.max(1000, 2 * (spec.batchSize ?? 100)),
  }
  const existing = await jsm.consumers.info(spec.stream, spec.durable).catch(() => null)
  if (!existing) {
    await jsm.consumers.add(spec.stream, config)
  } else if (existing.config.filter_subject !== config.filter_subject) {
    // nats-server 2.9 cannot change a consumer's filter in place. Recreating it redelivers from
    // the start, which is safe: every consumer dedupes by event id in its own transaction, or is
    // idempotent on its own (a redelivered event changes nothing).
    await jsm.consumers.delete(spec.stream, spec.durable)
    await jsm.consumers.add(spec.stream, config)
  } else {
    await jsm.consumers.update(spec.stream, spec.durable, config)
  }
}

/**
 * Runs a durable pull consumer with explicit acks. A handler error naks with backoff; after
 * `maxDeliver` attempts the message goes to the dead-letter stream with its error and is
 * terminated, so the consumer keeps going and nothing is dropped silently.
 */
export function runConsumer(
  nc: NatsConnection,
  spec: ConsumerSpec,
  handle: BatchHandler,
  log: BusLogger,
): Promise<RunningConsumer> {
  return consume(nc, spec, decodeEnvelope, handle, log)
}

/** {@link runConsumer} for messages that are not envelopes: the handler gets the bytes. */
export function runRawConsumer(
  nc: NatsConnection,
  spec: ConsumerSpec,
  handle: (batch: RawDelivered[]) => Promise<void>,
  log: BusLogger,
): Promise<RunningConsumer> {
  return consume(nc, spec, decodeRaw, handle, log)
}

function decodeEnvelope(m: JsMsg): Decoded<Delivered> {
  const parsed = AnyEnvelope.safeParse(safeJson(m))
  if (!parsed.success) return { ok: false, error: `malformed envelope: ${parsed.error.message}` }
  return { ok: true, value: { envelope: parsed.data, ...position(m) } }
}

function decodeRaw(m: JsMsg): Decoded<RawDelivered> {
  return { ok: true, value: { data: m.data, ...position(m) } }
}

async function consume<T>(
  nc: NatsConnection,
  spec: ConsumerSpec,
  decode: (m: JsMsg) => Decoded<T>,
  handle: (batch: T[]) => Promise<void>,
  log: BusLogger,
): Promise<RunningConsumer> {
  await ensureConsumer(nc, spec)
  const js = jetstream(nc)
  const consumer = await js.consumers.get(spec.stream, spec.durable)
  const maxDeliver = spec.maxDeliver ?? 5
  const backoff = spec.backoffMs ?? defaultBackoff
  let stopped = false
  let current: { stop(): void } | undefined

  const failOne = async (m: JsMsg, err: unknown) => {
    const attempt = m.info.deliveryCount
    if (attempt >= maxDeliver) {
      try {
        await sendToDeadLetter(nc, m, spec, err)
        m.term(errorMessage(err).slice(0, 200))
        log.error({ err, consumer: spec.durable, seq: m.seq, attempt }, 'message dead-lettered')
      } catch (dlqErr) {
        log.error({ err: dlqErr, seq: m.seq }, 'dead-letter publish failed; will redeliver')
        m.nak(backoff(attempt))
      }
    } else {
      log.warn({ err, consumer: spec.durable, seq: m.seq, attempt }, 'handler failed; nak')
      m.nak(backoff(attempt))
    }
  }

  const processBatch = async (msgs: JsMsg[]) => {
    const good: { m: JsMsg; d: T }[] = []
    for (const m of msgs) {
      if (spec.skip?.(m.subject)) {
        m.ack()
        continue
      }
      const decoded = decode(m)
      if (!decoded.ok) {
        // A malformed message never gets better: dead-letter it at once.
        await sendToDeadLetter(nc, m, spec, new Error(decoded.error))
        m.term('malformed message')
        log.error({ consumer: spec.durable, seq: m.seq }, 'malformed message dead-lettered')
        continue
      }
      good.push({ m, d: decoded.value })
    }
    if (good.length === 0) return
    // A batch handled for longer than ack_wait (scoring's batches of 10,000 at a large history)
    // would be redelivered meanwhile, to another replica too, and after maxDeliver such rounds
    // dead-lettered for being slow: tell the server it is in progress, a third of ack_wait apart.
    // Messages still in the client's buffer behind it are not covered: a redelivery of those is
    // handled twice (every handler dedupes, or is idempotent), so keep a batch's handling well
    // under ack_wait.
    const ackWait = spec.ackWaitMs ?? 30_000
    // Only for the messages from `settled` on: a progress signal after an ack is noise, and
    // after a nak it would undo the nak's backoff.
    let settled = 0
    const inProgress = setInterval(() => {
      for (let i = settled; i < good.length; i++) good[i]!.m.working()
    }, ackWait / 3)
    try {
      await traced(spec, good[0]!.m, () => handle(good.map((g) => g.d)))
      settled = good.length
      for (const g of good) g.m.ack()
    } catch (err) {
      if (good.length === 1) {
        settled = 1
        return failOne(good[0]!.m, err)
      }
      // Isolate the poison: the others commit on their own.
      for (const g of good) {
        try {
          await traced(spec, g.m, () => handle([g.d]))
          settled++
          g.m.ack()
        } catch (one) {
          settled++
          await failOne(g.m, one)
        }
      }
    } finally {
      clearInterval(inProgress)
    }
  }

  const done = (async () => {
    while (!stopped) {
      try {
        const iter = await consumer.fetch({ max_messages: spec.batchSize ?? 100, expires: 1000 })
        current = iter
        const batch: JsMsg[] = []
        let firstAt = 0
        for await (const m of iter) {
          if (batch.length === 0) firstAt = Date.now()
          batch.push(m)
          // Hand over what has arrived once the client has nothing buffered right now.
          if (iter.getPending() > 0) continue
          // A consumer that waits for fuller batches first lets more arrive, up to maxWaitMs
          // from the batch's first message (what arrives meanwhile is buffered by the client).
          const wait =
            spec.maxWaitMs === undefined || batch.length >= (spec.batchSize ?? 100)
              ? 0
              : firstAt + spec.maxWaitMs - Date.now()
          if (wait > 0) {
            await new Promise((r) => setTimeout(r, wait))
            if (iter.getPending() > 0) continue
          }
          await processBatch(batch.splice(0))
        }
        if (batch.length) await processBatch(batch)
      } catch (err) {
        if (stopped) break
        log.warn({ err, consumer: spec.durable }, 'consumer fetch failed; retrying')
        await new Promise((r) => setTimeout(r, 500))
      }
    }
  })()

  return {
    done,
    async stop() {
      stopped = true
      current?.stop()
      await done
    },
  }
}

function position(m: JsMsg) {
  return {
    subject: m.subject,
    streamSequence: m.info.streamSequence,
    deliveryCount: m.info.deliveryCount,
  }
}

function traced(spec: ConsumerSpec, m: JsMsg, fn: () => Promise<void>): Promise<void> {
  return tracer.startActiveSpan(
    `${m.subject} process`,
    { kind: SpanKind.CONSUMER, attributes: { 'messaging.consumer.name': spec.durable } },
    extractTrace(m.headers),
    async (span) => {
      try {
        await fn()
      } catch (err) {
        span.recordException(err as Error)
        span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(err) })
        throw err
      } finally {
        span.end()
      }
    },
  )
}

function safeJson(m: JsMsg): unknown {
  try {
    return m.json()
  } catch {
    return undefined
  }
}
