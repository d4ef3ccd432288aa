import {
  type AnyEnvelope,
  type Context,
  contextEventSubjects,
  streamName,
} from '@tessera/contracts'
import type { Projection } from '@tessera/projections'
import type { SchemaTx } from '@tessera/event-store'

export type EventHandler = (tx: SchemaTx, event: AnyEnvelope) => Promise<void>

interface ConsumerMeta {
  name: string
  context: Context
  /** Read models can be rebuilt from position 0; reactors that append events cannot. */
  rebuildable: boolean
  /** Live batch size, when not the runner's default. */
  batchSize?: number
  /** Opt-in: how long a live batch may wait to fill up (the bus's `maxWaitMs`). */
  maxWaitMs?: number
  /** Opt-in: its handlers are idempotent on their own, so no inbox row per event (Projection). */
  idempotent?: boolean
}

const CONSUMER = Symbol.for('tessera.event-consumer')
const HANDLERS = Symbol.for('tessera.event-handlers')

type Annotated = { [CONSUMER]?: ConsumerMeta; [HANDLERS]?: Map<string, string | symbol> }

/**
 * Marks a Nest provider as a durable consumer of one context's events. Its `@On` methods run
 * inside one Postgres transaction per batch, together with the consumer's checkpoint, so a
 * handler's writes (rows, or events it appends) happen exactly once.
 */
export function EventConsumer(meta: {
  name: string
  context: Context
  rebuildable?: boolean
  batchSize?: number
  maxWaitMs?: number
  idempotent?: boolean
}) {
  return (target: abstract new (...args: never[]) => unknown): void => {
    ;(target as Annotated)[CONSUMER] = { rebuildable: false, ...meta }
  }
}

/**
 * Handles one event type of the consumer's context: `@On('OrgCreated')`; `@On('*')` handles
 * every type the consumer has no handler of its own for (pacts' rooms record any escrow event
 * about a pact, including types added after it was written).
 */
export function On(eventType: string) {
  return (target: object, method: string | symbol): void => {
    const ctor = target.constructor as Annotated
    const handlers = ctor[HANDLERS] ?? new Map<string, string | symbol>()
    handlers.set(eventType, method)
    ctor[HANDLERS] = handlers
  }
}

/** Turns a decorated instance into a projection the runner and the rebuild command drive. */
export function toProjection(
  instance: object,
  prefix: string,
): Projection & { rebuildable: boolean } {
  const ctor = instance.constructor as Annotated
  const meta = ctor[CONSUMER]
  if (!meta) throw new Error(`${instance.constructor.name} is not decorated with @EventConsumer`)
  const handlers = ctor[HANDLERS] ?? new Map<string, string | symbol>()
  const bag = instance as Record<string | symbol, unknown>
  return {
    name: meta.name,
    rebuildable: meta.rebuildable,
    ...(meta.batchSize === undefined ? {} : { batchSize: meta.batchSize }),
    ...(meta.maxWaitMs === undefined ? {} : { maxWaitMs: meta.maxWaitMs }),
    ...(meta.idempotent ? { idempotent: true } : {}),
    // One consumer per context: nats-server 2.9 allows a single filter subject per consumer.
    source: {
      stream: streamName(meta.context, prefix),
      filterSubject: contextEventSubjects(meta.context, prefix),
    },
    // `@On('*')` takes every type: then nothing is skipped unread.
    ...(handlers.has('*') ? {} : { handles: new Set(handlers.keys()) }),
    async apply(tx, event) {
      const method = handlers.get(event.type) ?? handlers.get('*')
      if (method === undefined) return
      await (bag[method] as EventHandler).call(instance, tx, event)
    },
    ...(typeof bag['afterBatch'] === 'function'
      ? {
          afterBatch: (tx: SchemaTx) =>
            (bag['afterBatch'] as (tx: SchemaTx) => Promise<void>).call(instance, tx),
        }
      : {}),
    ...(typeof bag['afterRebuild'] === 'function'
      ? {
          afterRebuild: (tx: SchemaTx) =>
            (bag['afterRebuild'] as (tx: SchemaTx) => Promise<void>).call(instance, tx),
        }
      : {}),
    async reset(tx) {
      const reset = bag['reset']
      if (!meta.rebuildable || typeof reset !== 'function') {
        throw new Error(`${meta.name} cannot be rebuilt: it is not a read model`)
      }
      await (reset as (tx: SchemaTx) => Promise<void>).call(instance, tx)
    },
  }
}
