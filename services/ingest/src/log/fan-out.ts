import type pg from 'pg'
import type { JetStreamClient } from '@nats-io/jetstream'
import type { Logger } from 'pino'
import {
  TELEMETRY_RECORDS_PER_MESSAGE,
  type TelemetryRecord,
  type TelemetryRecordsMessage,
} from '@tessera/contracts'
import type { CommittedGroup } from './group-commit.ts'

export interface FanOutOptions {
  js: JetStreamClient
  pool: pg.Pool
  schema: string
  subject: string
  log: Logger
  /** Records held in memory for publishing; beyond it, groups wait for catch-up from the log. */
  maxBufferedRecords?: number
  catchUpIntervalMs?: number
  /** Groups younger than this are left to the replica that committed them. */
  catchUpAfterMs?: number
}

/**
 * Puts committed telemetry on the TELEMETRY stream, 100 records per message. Groups go
 * straight from memory after their commit; the outbox table keeps every group until its
 * messages are acked, so a crash between commit and publish is caught up from the log.
 * `Nats-Msg-Id` is `<groupId>.<part>`, so a catch-up of a group already sent is a duplicate.
 */
export class RecordsFanOut {
  private queue: CommittedGroup[] = []
  private buffered = 0
  private readonly inMemory = new Set<string>()
  private published: string[] = []
  private running?: Promise<void>
  private timer?: NodeJS.Timeout
  private stopped = false
  private readonly maxBuffered: number

  constructor(private readonly o: FanOutOptions) {
    this.maxBuffered = o.maxBufferedRecords ?? 200_000
  }

  enqueue(group: CommittedGroup) {
    if (this.buffered + group.records.length > this.maxBuffered) {
      this.o.log.warn({ groupId: group.groupId }, 'fan-out buffer full; group left to catch-up')
      return
    }
    this.buffered += group.records.length
    this.inMemory.add(group.groupId)
    this.queue.push(group)
    this.kick()
  }

  /** Catches up whatever a previous process left, then keeps checking periodically. */
  async start() {
    try {
      // 50 groups a round, until nothing is left from before the start
      while ((await this.catchUp(0)) > 0);
    } catch (err) {
      this.o.log.warn({ err }, 'telemetry catch-up at start failed; the periodic one retries')
    }
    const every = this.o.catchUpIntervalMs ?? 2000
    const after = this.o.catchUpAfterMs ?? 10_000
    this.timer = setInterval(
      () =>
        void this.catchUp(after).catch((err: unknown) => {
          this.o.log.warn({ err }, 'telemetry catch-up failed; will retry')
        }),
      every,
    )
    this.timer.unref()
  }

  /** Publishes what is queued (bounded by `timeoutMs`) and stops. */
  async stop(timeoutMs = 5000) {
    this.stopped = true
    clearInterval(this.timer)
    const deadline = Date.now() + timeoutMs
    while ((this.queue.length || this.running) && Date.now() < deadline) {
      this.kick()
      await this.running
    }
  }

  /** Resolves when every queued group is published and its outbox row deleted. */
  async drain() {
    while (this.queue.length || this.running) {
      this.kick()
      await this.running
    }
  }

  private kick() {
    this.running ??= this.loop().finally(() => {
      this.running = undefined
      if (this.queue.length && !this.stopped) this.kick()
    })
  }

  private async loop() {
    while (this.queue.length) {
      const groups = this.queue.splice(0, 16)
      const results = await Promise.allSettled(
        groups.map((g) => this.publish(g.groupId, g.records)),
      )
      results.forEach((r, i) => {
        const g = groups[i]!
        if (r.status === 'fulfilled') {
          this.published.push(g.groupId)
          this.release(g)
        } else if (this.stopped) {
          this.release(g)
        } else {
          this.o.log.warn(
            { err: r.reason, groupId: g.groupId },
            'telemetry publish failed; retrying',
          )
          this.queue.push(g)
        }
      })
      await this.confirm()
      if (results.some((r) => r.status === 'rejected')) await new Promise((r) => setTimeout(r, 500))
    }
  }

  private release(g: CommittedGroup) {
    this.inMemory.delete(g.groupId)
    this.buffered -= g.records.length
  }

  private async confirm() {
    if (this.published.length === 0) return
    const ids = this.published.splice(0)
    await this.o.pool
      .query(`delete from "${this.o.schema}".telemetry_outbox where group_id = any($1::uuid[])`, [
        ids,
      ])
      .catch((err: unknown) => {
        // Harmless: catch-up re-publishes them later and JetStream drops the duplicates.
        this.o.log.warn({ err }, 'could not clear published telemetry groups')
      })
  }

  private async publish(groupId: string, records: TelemetryRecord[]) {
    const sorted = [...records].sort((a, b) => (a.eventId < b.eventId ? -1 : 1))
    const acks = []
    for (let part = 0; part * TELEMETRY_RECORDS_PER_MESSAGE < sorted.length; part++) {
      const slice = sorted.slice(
        part * TELEMETRY_RECORDS_PER_MESSAGE,
        (part + 1) * TELEMETRY_RECORDS_PER_MESSAGE,
      )
      const message: TelemetryRecordsMessage = { groupId, part, records: slice }
      acks.push(
        this.o.js.publish(this.o.subject, JSON.stringify(message), {
          msgID: `${groupId}.${part}`,
          timeout: 10_000,
        }),
      )
    }
    await Promise.all(acks)
  }

  /** Re-publishes groups still in the outbox that are older than `olderThanMs`. */
  async catchUp(olderThanMs: number): Promise<number> {
    const client = await this.o.pool.connect()
    let done = 0
    try {
      await client.query('begin')
      const { rows } = await client.query<{ group_id: string; received_at: Date }>(
        `select group_id, received_at from "${this.o.schema}".telemetry_outbox
         where created_at < now() - make_interval(secs => $1::float8 / 1000)
           and not (group_id = any($2::uuid[]))
         order by created_at limit 50 for update skip locked`,
        [olderThanMs, [...this.inMemory]],
      )
      for (const g of rows) {
        const records = await this.readGroup(client, g.group_id, g.received_at)
        await this.publish(g.group_id, records)
        done += records.length
      }
      if (rows.length) {
        await client.query(
          `delete from "${this.o.schema}".telemetry_outbox where group_id = any($1::uuid[])`,
          [rows.map((r) => r.group_id)],
        )
        this.o.log.info({ groups: rows.length, records: done }, 'telemetry caught up from the log')
      }
      await client.query('commit')
    } catch (err) {
      await client.query('rollback').catch(() => undefined)
      throw err
    } finally {
      client.release()
    }
    return done
  }

  private async readGroup(
    client: pg.PoolClient,
    groupId: string,
    receivedAt: Date,
  ): Promise<TelemetryRecord[]> {
    const { rows } = await client.query<RecordRow>(
      `select ${RECORD_COLUMNS} from "${this.o.schema}".telemetry_events
       where received_at = $1 and group_id = $2 order by event_id`,
      [receivedAt, groupId],
    )
    return rows.map(toRecord)
  }
}

export const RECORD_COLUMNS =
  'event_id, org_id, agent_id, protocol, type, session_id, pact_id, occurred_at, received_at, data'

export interface RecordRow {
  event_id: string
  org_id: string
  agent_id: string
  protocol: TelemetryRecord['protocol']
  type: TelemetryRecord['type']
  session_id: string | null
  pact_id: string | null
  occurred_at: Date
  received_at: Date
  data: Record<string, unknown>
}

/** The one place a stored row becomes a record. */
export function toRecord(r: RecordRow): TelemetryRecord {
  return {
    eventId: r.event_id,
    orgId: r.org_id,
    agentId: r.agent_id,
    protocol: r.protocol,
    type: r.type,
    sessionId: r.session_id,
    pactId: r.pact_id,
    occurredAt: r.occurred_at.toISOString(),
    receivedAt: r.received_at.toISOString(),
    data: r.data,
  }
}
