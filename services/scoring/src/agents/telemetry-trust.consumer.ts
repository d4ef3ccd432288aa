import { Inject, Injectable } from '@nestjs/common'
import { sql } from 'kysely'
import type { TelemetryRecordsMessage } from '@tessera/contracts'
import type { SchemaDb, SchemaTx } from '@tessera/event-store'
import { RETENTION } from '@tessera/infra-nats'
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
 * How long a message id is remembered: TELEMETRY's retention, past which the bus cannot deliver
 * the message again, and a day more. A replay of TELEMETRY (a model change that needs new
 * counts) starts from emptied `trust_telemetry_days` and `trust_telemetry_messages`.
 */
export const SEEN_RETENTION_SECONDS = RETENTION.telemetry / 1e9 + 86_400

/**
 * Forgets ids older than {@link SEEN_RETENTION_SECONDS}, at most `limit` of them: twice a batch's
 * messages, so pruning keeps pace with intake and no batch pays for a backlog at once.
 */
export async function pruneSeen(tx: SchemaTx, schema: string, limit: number): Promise<number> {
  const s = sql.id(schema)
  const { numAffectedRows } = await sql`delete from ${s}.trust_telemetry_messages
    where message_id in (select message_id from ${s}.trust_telemetry_messages
      where seen_at < now() - make_interval(secs => ${SEEN_RETENTION_SECONDS})
      order by seen_at limit ${limit})`.execute(tx)
  return Number(numAffectedRows ?? 0)
}

/**
 * Ingest telemetry into the trust model: each batch of bus messages is folded into per-agent,
 * per-day counts (telemetry.ts), added in one statement, and the agents it concerns recomputed,
 * all in one transaction. A message is counted once: its id (`<groupId>.<part>`) is recorded in
 * the same transaction, one row per message of up to 100 records, never one per tool call, and
 * forgotten once the bus can no longer redeliver it.
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
      await pruneSeen(tx, this.schema, 2 * byId.size)
      const store = new PgEvidenceStore(tx, this.schema, 'telemetry', this.events)
      await applyTelemetry(store, foldTelemetry(fresh))
    })
  }
}
