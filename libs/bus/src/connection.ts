import { connect, type NatsConnection } from '@nats-io/transport-node'
import { RetentionPolicy, StorageType, jetstreamManager } from '@nats-io/jetstream'
import { declaredStreams } from '@tessera/infra-nats'

export interface BusOptions {
  url: string
  /** Shown in `nats server report connections`; use the service name. */
  name: string
  /** Test isolation: prefixes stream names and subjects (see contracts/subjects.ts). */
  prefix?: string
}

export async function connectBus(opts: BusOptions): Promise<NatsConnection> {
  return connect({
    servers: opts.url,
    name: opts.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
  })
}

/**
 * Creates or updates every declared stream. Safe to run from every service at every start:
 * an existing stream is updated only where its declared config differs.
 */
export async function provisionStreams(nc: NatsConnection, prefix = ''): Promise<string[]> {
  const jsm = await jetstreamManager(nc)
  const names: string[] = []
  for (const decl of declaredStreams(prefix)) {
    const existing = await jsm.streams.info(decl.name).catch(() => null)
    if (!existing) {
      await jsm.streams
        .add({ ...decl, storage: StorageType.File, retention: RetentionPolicy.Limits, num_replicas: 1 })
        .catch(async (err: unknown) => {
          // Another service created it between our info and add: that is fine.
          if (!(await jsm.streams.info(decl.name).catch(() => null))) throw err
        })
    } else if (
      existing.config.max_age !== decl.max_age ||
      existing.config.duplicate_window !== decl.duplicate_window ||
      existing.config.max_msg_size !== decl.max_msg_size ||
      existing.config.subjects.join() !== decl.subjects.join()
    ) {
      await jsm.streams.update(decl.name, { ...existing.config, ...decl })
    }
    names.push(decl.name)
  }
  return names
}

/** Removes a test prefix's streams (never call with an empty prefix). */
export async function deleteStreams(nc: NatsConnection, prefix: string): Promise<void> {
  if (!prefix) throw new Error('refusing to delete the production streams')
  const jsm = await jetstreamManager(nc)
  for (const decl of declaredStreams(prefix)) {
    await jsm.streams.delete(decl.name).catch(() => undefined)
  }
}
