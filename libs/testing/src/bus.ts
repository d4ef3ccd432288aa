import type { NatsConnection } from '@nats-io/transport-node'
import { connectBus, deleteStreams, provisionStreams } from '@tessera/bus'
import { freshStreamPrefix, testNatsUrl } from './infra.ts'

export interface TestBus {
  nc: NatsConnection
  /** From {@link freshStreamPrefix}: every stream and subject this bus uses carries it. */
  prefix: string
  /** Deletes the prefixed streams and closes the connection. */
  dispose(): Promise<void>
}

/** A NATS connection with every declared stream provisioned under a fresh prefix of its own. */
export async function freshBus(connectionName: string): Promise<TestBus> {
  const prefix = freshStreamPrefix()
  const nc = await connectBus({ url: testNatsUrl(), name: connectionName })
  await provisionStreams(nc, prefix)
  return {
    nc,
    prefix,
    async dispose() {
      await deleteStreams(nc, prefix)
      await nc.close()
    },
  }
}
