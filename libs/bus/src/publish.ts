import { headers } from '@nats-io/nats-core'
import type { JetStreamClient, PubAck } from '@nats-io/jetstream'
import { HEADERS, eventSubject, type Context, type Envelope } from '@tessera/contracts'

/**
 * Publishes envelopes in order and resolves when every ack is in. Requests are pipelined on
 * one connection, which the server stores in the order they were written.
 * `Nats-Msg-Id` is the event id, so a re-publish after a crash is dropped as a duplicate.
 */
export async function publishEnvelopes(
  js: JetStreamClient,
  context: Context,
  envelopes: readonly Envelope[],
  prefix = '',
): Promise<PubAck[]> {
  return Promise.all(
    envelopes.map((e) => {
      const h = headers()
      h.set(HEADERS.streamId, e.metadata.streamId)
      h.set(HEADERS.eventType, e.type)
      // The event's own trace context (from the request that caused it), not the relay's.
      if (e.metadata.traceparent) h.set(HEADERS.traceparent, e.metadata.traceparent)
      return js.publish(eventSubject(context, e.type, prefix), JSON.stringify(e), {
        msgID: e.metadata.eventId,
        headers: h,
        timeout: 10_000,
      })
    }),
  )
}
