import { Inject, Injectable } from '@nestjs/common'
import { sql } from 'kysely'
import type { TelemetryRecordsMessage } from '@tessera/contracts'
import type { SchemaDb } from '@tessera/event-store'
import {
  DB,
  EVENT_LOG,
  type EventLog,
  SERVICE_SCHEMA,
  TelemetryRecordsConsumer,
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
export class TelemetryTrustConsumer extends TelemetryRecordsConsumer {
  constructor(
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
    @Inject(EVENT_LOG) private readonly events: EventLog,
  ) {
    super({
      durable: 'scoring-trust-telemetry',
      // Each batch recomputes the agents it touches: fewer, fuller batches amortise that.
      batchSize: 500,
      maxWaitMs: 250,
    })
  }

  protected async handle(messages: TelemetryRecordsMessage[]) {
    const byId = new Map<string, TelemetryRecordFacts[]>()
    for (const msg of messages) byId.set(`${msg.groupId}.${msg.part}`, msg.records)
    await this.db.transaction().execute(async (tx) => {
      await lockProfiles(tx, this.schema)
      const { rows } = await sql<{ message_id: string }>`
        insert into ${sql.id(this.schema)}.trust_telemetry_messages (message_id)
        select * from unnest(${[...byId.keys()]}::text[])
        on conflict do nothing returning message_id`.execute(tx)
      const fresh = rows.flatMap((r) => byId.get(r.message_id) ?? [])
      const store = new PgEvidenceStore(tx, this.schema, 'telemetry', this.events)
      await applyTelemetry(store, foldTelemetry(fresh))
    })
  }
}
