import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
} from '@nestjs/common'
import type { NatsConnection } from '@nats-io/transport-node'
import { sql } from 'kysely'
import type { Logger } from 'pino'
import type { z } from 'zod'
import { TelemetryRecordsMessage, streamName, telemetryRecordsSubject } from '@tessera/contracts'
import { type RawDelivered, type RunningConsumer, runRawConsumer } from '@tessera/bus'
import type { SchemaDb } from '@tessera/event-store'
import { type BaseEnv, CONFIG, DB, LOGGER, NATS, SERVICE_SCHEMA } from '@tessera/service-kit'

/**
 * When each agent was last seen alive, for the deadline's grace rule: any telemetry record
 * (session, tool call, response, Arden event) is a heartbeat, at its `occurredAt` capped at the
 * time escrow receives it (a clock ahead cannot buy grace in advance). Only the latest is kept,
 * so a redelivered batch changes nothing.
 */
@Injectable()
export class SellerLivenessConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer?: RunningConsumer
  private readonly prefix: string

  constructor(
    @Inject(NATS) private readonly nc: NatsConnection,
    @Inject(CONFIG) config: z.infer<typeof BaseEnv>,
    @Inject(LOGGER) private readonly log: Logger,
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
  ) {
    this.prefix = config.TESSERA_STREAM_PREFIX
  }

  async onApplicationBootstrap() {
    const spec = {
      stream: streamName('telemetry', this.prefix),
      durable: 'escrow-seller-liveness',
      filterSubject: telemetryRecordsSubject(this.prefix),
      batchSize: 200,
      prefix: this.prefix,
    }
    this.consumer = await runRawConsumer(this.nc, spec, (batch) => this.handle(batch), this.log)
  }

  async beforeApplicationShutdown() {
    await this.consumer?.stop()
  }

  private async handle(batch: RawDelivered[]) {
    const now = Date.now()
    const latest = new Map<string, number>()
    for (const m of batch) {
      const { records } = TelemetryRecordsMessage.parse(
        JSON.parse(new TextDecoder().decode(m.data)),
      )
      for (const r of records) {
        const at = Math.min(Date.parse(r.occurredAt), now)
        if (at > (latest.get(r.agentId) ?? 0)) latest.set(r.agentId, at)
      }
    }
    for (const [agentId, at] of latest) {
      await sql`insert into ${sql.id(this.schema)}.agent_last_seen (agent_id, last_seen_at)
        values (${agentId}, ${new Date(at)})
        on conflict (agent_id) do update set last_seen_at =
          greatest(agent_last_seen.last_seen_at, excluded.last_seen_at)`.execute(this.db)
    }
  }
}
