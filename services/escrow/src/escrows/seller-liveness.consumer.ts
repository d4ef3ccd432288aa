import { Inject, Injectable } from '@nestjs/common'
import { sql } from 'kysely'
import type { TelemetryRecordsMessage } from '@tessera/contracts'
import type { SchemaDb } from '@tessera/event-store'
import { DB, SERVICE_SCHEMA, TelemetryRecordsConsumer } from '@tessera/service-kit'

/**
 * When each agent was last seen alive, for the deadline's grace rule: any telemetry record
 * (session, tool call, response, Arden event) is a heartbeat, at its `occurredAt` capped at the
 * time escrow receives it (a clock ahead cannot buy grace in advance). Only the latest is kept,
 * so a redelivered batch changes nothing.
 */
@Injectable()
export class SellerLivenessConsumer extends TelemetryRecordsConsumer {
  constructor(
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
  ) {
    super({ durable: 'escrow-seller-liveness', batchSize: 200 })
  }

  protected async handle(messages: TelemetryRecordsMessage[]) {
    const now = Date.now()
    const latest = new Map<string, number>()
    for (const { records } of messages) {
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
