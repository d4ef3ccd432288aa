import type { NatsConnection } from '@nats-io/transport-node'
import { jetstream } from '@nats-io/jetstream'
import { type Kysely, sql } from 'kysely'
import type { Context } from '@tessera/contracts'
import {
  type EventStoreTables,
  type LogCheckpoint,
  headPosition,
  loadCheckpoint,
  readAll,
  saveCheckpoint,
} from '@tessera/event-store'
import type { BusLogger } from './consumer.ts'
import { publishEnvelopes } from './publish.ts'
import { startRelayLoop } from './relay-loop.ts'

export interface RelayOptions {
  db: Kysely<EventStoreTables>
  /** For the relay's own connection, which holds the leader lock for as long as it lives. */
  connectionString: string
  schema: string
  nc: NatsConnection
  context: Context
  prefix?: string
  /** Events read and published per round. */
  batchSize?: number
  /** How often an idle relay looks for new events; the bound on its publish latency. */
  idlePollMs?: number
  /** How often a standby relay (another replica leads) tries to take over. */
  standbyPollMs?: number
  log: BusLogger
  /** Called after each checkpoint; for metrics and tests. */
  onProgress?: (published: number, position: string) => void
}

export interface RunningRelay {
  stop(): Promise<void>
  /**
   * Publishes every event committed before the call, then resolves with how many it published.
   * It waits while older transactions elsewhere in the cluster hold the snapshot horizon back.
   */
  drain(timeoutMs?: number): Promise<number>
}

const CHECKPOINT = 'outbox-relay'

/**
 * The outbox: the events table itself. Publishes the log to JetStream in commit-safe order
 * and checkpoints only after every ack, so a crash re-publishes at most one round, which
 * JetStream drops as duplicates by `Nats-Msg-Id`.
 *
 * One relay per schema publishes: replicas of a service compete for a Postgres advisory lock
 * held by the relay's own connection, which Postgres releases when that process dies. The
 * leader keeps its checkpoint in memory, since it is the only writer.
 *
 * It polls rather than LISTENs: a NOTIFY from the append path takes Postgres's cluster-wide
 * notify lock at every commit, which serialised single-event appends (bench/README.md).
 */
export async function startOutboxRelay(opts: RelayOptions): Promise<RunningRelay> {
  const js = jetstream(opts.nc)
  const batchSize = opts.batchSize ?? 500
  let checkpoint: LogCheckpoint | undefined

  const publishRound = async (): Promise<number> => {
    checkpoint ??= await loadCheckpoint(opts.db, opts.schema, CHECKPOINT)
    const events = await readAll(opts.db, opts.schema, checkpoint, batchSize)
    if (events.length === 0) return 0
    await publishEnvelopes(js, opts.context, events, opts.prefix)
    const last = events.at(-1)!
    await saveCheckpoint(opts.db, opts.schema, CHECKPOINT, last.checkpoint)
    checkpoint = last.checkpoint
    opts.onProgress?.(events.length, last.checkpoint.position)
    return events.length
  }
  const loop = await startRelayLoop({
    connectionString: opts.connectionString,
    lockKey: `tessera.outbox-relay:${opts.schema}`,
    applicationName: 'tessera-outbox-relay',
    publish: publishRound,
    // The leader keeps its checkpoint in memory; anyone else must read it again.
    reset: () => (checkpoint = undefined),
    idlePollMs: opts.idlePollMs,
    standbyPollMs: opts.standbyPollMs,
    log: opts.log,
    what: 'outbox relay',
  })
  return {
    async drain(timeoutMs = 30_000) {
      const head = await headPosition(opts.db, opts.schema)
      const deadline = Date.now() + timeoutMs
      let total = 0
      for (;;) {
        const n = await loop.round()
        total += n
        if (n > 0) continue
        const from = await loadCheckpoint(opts.db, opts.schema, CHECKPOINT)
        if (!(await unpublishedUpTo(opts.db, opts.schema, from, head))) return total
        if (Date.now() > deadline) {
          throw new Error(`drain: events up to ${head} not published in ${timeoutMs} ms`)
        }
        await new Promise((r) => setTimeout(r, 20))
      }
    },
    stop: () => loop.stop(),
  }
}

/** Whether an event at or below `head` is still behind the checkpoint. */
async function unpublishedUpTo(
  db: Kysely<EventStoreTables>,
  schema: string,
  from: LogCheckpoint,
  head: string,
): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from ${sql.id(schema)}.events
    where (transaction_id, position) > (${from.transactionId}::xid8, ${from.position}::bigint)
      and position <= ${head}::bigint`.execute(db)
  return (rows[0]?.n ?? 0) > 0
}
