import { context, propagation, type Context } from '@opentelemetry/api'
import type { MsgHdrs } from '@nats-io/nats-core'

/** Reads W3C trace context from NATS headers, for a handler's span parent. */
export function extractTrace(hdrs: MsgHdrs | undefined): Context {
  if (!hdrs) return context.active()
  return propagation.extract(context.active(), hdrs, {
    get: (carrier, key) => (carrier.has(key) ? carrier.get(key) : undefined),
    keys: (carrier) => carrier.keys(),
  })
}
