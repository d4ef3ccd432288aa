import { type BeforeApplicationShutdown, Inject, type OnApplicationBootstrap } from '@nestjs/common'
import type { NatsConnection } from '@nats-io/transport-node'
import type { Logger } from 'pino'
import type { z } from 'zod'
import { type RunningConsumer, runRawConsumer } from '@tessera/bus'
import { TelemetryRecordsMessage, streamName, telemetryRecordsSubject } from '@tessera/contracts'
import type { BaseEnv } from './config.ts'
import { CONFIG, LOGGER, NATS } from './tokens.ts'

/** A telemetry consumer's own durable name and batching; the stream and subject are shared. */
export interface TelemetryRecordsConsumerOptions {
  /** Durable consumer name: `<service>-<purpose>`. */
  durable: string
  batchSize: number
  /** Opt-in: how long a batch may wait to fill up (the bus's `maxWaitMs`). */
  maxWaitMs?: number
}

/**
 * A Nest provider consuming the raw TELEMETRY records messages (they are not envelopes): starts
 * its durable consumer on bootstrap, stops it before shutdown, and hands each batch over parsed.
 * A message that is not a records message throws in the handler, so the bus retries it alone
 * and dead-letters it; a handler error naks the batch as with any consumer. The bus, config and
 * logger are injected as properties (set before bootstrap), so a subclass's constructor takes
 * only what its own handling needs.
 */
export abstract class TelemetryRecordsConsumer
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  @Inject(NATS) private readonly nc!: NatsConnection
  @Inject(CONFIG) private readonly config!: z.infer<typeof BaseEnv>
  @Inject(LOGGER) protected readonly log!: Logger
  private consumer?: RunningConsumer

  protected constructor(private readonly options: TelemetryRecordsConsumerOptions) {}

  async onApplicationBootstrap() {
    const { durable, batchSize, maxWaitMs } = this.options
    const prefix = this.config.TESSERA_STREAM_PREFIX
    const spec = {
      stream: streamName('telemetry', prefix),
      durable,
      filterSubject: telemetryRecordsSubject(prefix),
      batchSize,
      ...(maxWaitMs === undefined ? {} : { maxWaitMs }),
      prefix,
    }
    this.consumer = await runRawConsumer(
      this.nc,
      spec,
      (batch) => this.handle(batch.map((m) => readMessage(m.data))),
      this.log,
    )
  }

  async beforeApplicationShutdown() {
    await this.consumer?.stop()
  }

  /** One batch of bus messages, in delivery order, each parsed. */
  protected abstract handle(messages: TelemetryRecordsMessage[]): Promise<void>
}

function readMessage(data: Uint8Array): TelemetryRecordsMessage {
  return TelemetryRecordsMessage.parse(JSON.parse(new TextDecoder().decode(data)))
}
