import type { NatsConnection } from '@nats-io/transport-node'
import { jetstream } from '@nats-io/jetstream'
import pg from 'pg'
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
  const lock = new LeaderLock(opts.connectionString, `tessera.outbox-relay:${opts.schema}`)
  let stopped = false
  let wake: (() => void) | undefined
  let checkpoint: LogCheckpoint | undefined

  // Rounds never overlap: the loop and drain() share one queue, or both would publish the
  // same batch and race on the checkpoint.
  let queue: Promise<unknown> = Promise.resolve()
  const round = (): Promise<number> => {
    const next = queue.then(publishRound)
    queue = next.catch(() => undefined)
    return next
  }
  const publishRound = async (): Promise<number> => {
    if (!(await lock.held())) {
      checkpoint = undefined
      return 0
    }
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

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms)
      wake = () => {
        clearTimeout(t)
        resolve()
      }
    })

  // Contend for leadership now, so a lone relay publishes on its first round.
  await lock.held()
  const loop = (async () => {
    while (!stopped) {
      try {
        if ((await round()) > 0) continue
      } catch (err) {
        // The next round starts again from the stored checkpoint.
        checkpoint = undefined
        opts.log.warn({ err }, 'outbox relay round failed; retrying')
      }
      await sleep(lock.isLeader ? (opts.idlePollMs ?? 50) : (opts.standbyPollMs ?? 1000))
    }
  })()

  return {
    async drain(timeoutMs = 30_000) {
      const head = await headPosition(opts.db, opts.schema)
      const deadline = Date.now() + timeoutMs
      let total = 0
      for (;;) {
        const n = await round()
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
    async stop() {
      stopped = true
      wake?.()
      await loop
      await lock.release()
    },
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

/**
 * A session-level advisory lock on a connection of its own. Losing the connection loses the
 * lock (Postgres releases it), so leadership is re-checked by reconnecting.
 */
class LeaderLock {
  private client: pg.Client | undefined
  isLeader = false

  constructor(
    private readonly connectionString: string,
    private readonly key: string,
  ) {}

  async held(): Promise<boolean> {
    if (this.isLeader && this.client) return true
    try {
      if (!this.client) {
        const client = new pg.Client({
          connectionString: this.connectionString,
          application_name: 'tessera-outbox-relay',
        })
        client.on('error', () => {
          this.isLeader = false
          this.client = undefined
        })
        await client.connect()
        this.client = client
      }
      const { rows } = await this.client.query<{ ok: boolean }>(
        'select pg_try_advisory_lock(hashtext($1)) as ok',
        [this.key],
      )
      this.isLeader = rows[0]?.ok === true
    } catch {
      this.isLeader = false
      await this.release()
    }
    return this.isLeader
  }

  async release(): Promise<void> {
    const client = this.client
    this.client = undefined
    this.isLeader = false
    await client?.end().catch(() => undefined)
  }
}
