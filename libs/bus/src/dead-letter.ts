import type { NatsConnection } from '@nats-io/transport-node'
import { jetstream, type JsMsg } from '@nats-io/jetstream'
import { headers } from '@nats-io/nats-core'
import { HEADERS, deadLetterSubject } from '@tessera/contracts'
import { errorMessage } from './error-message.ts'

/** Where the message was consumed: the part of a `ConsumerSpec` a dead letter records. */
export interface DeadLetterSource {
  /** Full stream name, prefix included. */
  stream: string
  durable: string
  /** Test isolation prefix, for the dead-letter subject. */
  prefix?: string | undefined
}

/**
 * Copies a message the consumer gave up on into the dead-letter stream, with the error and
 * where it came from, keeping its original headers (trace context included).
 */
export async function sendToDeadLetter(
  nc: NatsConnection,
  m: JsMsg,
  spec: DeadLetterSource,
  err: unknown,
): Promise<void> {
  const h = headers()
  for (const key of m.headers?.keys() ?? []) {
    if (!key.startsWith('Nats-')) h.set(key, m.headers!.get(key))
  }
  h.set(
    HEADERS.error,
    errorMessage(err)
      .slice(0, 2000)
      .replace(/[\r\n]+/g, ' '),
  )
  h.set(HEADERS.originalSubject, m.subject)
  h.set(HEADERS.originalStream, spec.stream)
  h.set(HEADERS.originalSequence, String(m.seq))
  h.set(HEADERS.deliveries, String(m.info.deliveryCount))
  await jetstream(nc).publish(deadLetterSubject(spec.stream, spec.durable, spec.prefix), m.data, {
    headers: h,
    // One dead letter per (stream, sequence, consumer), even if we crash and retry.
    msgID: `${spec.stream}:${m.seq}:${spec.durable}`,
  })
}
