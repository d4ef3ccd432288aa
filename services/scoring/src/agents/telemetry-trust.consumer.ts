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
import {
  type BaseEnv,
  CONFIG,
  DB,
  EVENT_LOG,
  type EventLog,
  LOGGER,
  NATS,
  SERVICE_SCHEMA,
} from '@tessera/service-kit'
import { applyTelemetry } from '../domain/trust/trust-projection.ts'
import { type TelemetryRecordFacts, foldTelemetry } from '../domain/trust/telemetry.ts'
import { PgEvidenceStore, lockProfiles } from './pg-evidence-store.ts'

/**
 * Ingest telemetry into the trust model: each batch of bus messages is folded into per-agent,
 * per-day counts (telemetry.ts), added in one statement, and the agents it concerns recomputed,
 * all in one transaction. A message is counted once: its id (`<groupId>.<part>`) is recorded in
 * the same transaction, one row per message of up to 100 records, never one per tool call.
 */
@Injectable()
export class TelemetryTrustConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer?: RunningConsumer
  private readonly prefix: string

  constructor(
    @Inject(NATS) private readonly nc: NatsConnection,
    @Inject(CONFIG) config: z.infer<typeof BaseEnv>,
    @Inject(LOGGER) private readonly log: Logger,
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
    @Inject(EVENT_LOG) private readonly events: EventLog,
  ) {
    this.prefix = config.TESSERA_STREAM_PREFIX
  }

  async onApplicationBootstrap() {
    const spec = {
      stream: streamName('telemetry', this.prefix),
      durable: 'scoring-trust-telemetry',
      filterSubject: telemetryRecordsSubject(this.prefix),
      // Each batch recomputes the agents it touches: fewer, fuller batches amortise that.
      batchSize: 500,
      maxWaitMs: 250,
      prefix: this.prefix,
    }
    this.consumer = await runRawConsumer(this.nc, spec, (batch) => this.handle(batch), this.log)
  }

  async beforeApplicationShutdown() {
    await this.consumer?.stop()
  }

  private async handle(batch: RawDelivered[]) {
    const messages = new Map<string, TelemetryRecordFacts[]>()
    for (const m of batch) {
      const msg = TelemetryRecordsMessage.parse(JSON.parse(new TextDecoder().decode(m.data)))
      messages.set(`${msg.groupId}.${msg.part}`, msg.records)
    }
    await this.db.transaction().execute(async (tx) => {
      await lockProfiles(tx, this.schema)
      const { rows } = await sql<{ message_id: string }>`
        insert into ${sql.id(this.schema)}.trust_telemetry_messages (message_id)
        select * from unnest(${[...messages.keys()]}::text[])
        on conflict do nothing returning message_id`.execute(tx)
      const fresh = rows.flatMap((r) => messages.get(r.message_id) ?? [])
      const store = new PgEvidenceStore(tx, this.schema, 'telemetry', this.events)
      await applyTelemetry(store, foldTelemetry(fresh))
    })
  }
}
