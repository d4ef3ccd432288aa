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
  notifyChannel,
  readAll,
  saveCheckpoint,
} from '@tessera/event-store'
import type { BusLogger } from './consumer.ts'
import { publishEnvelopes } from './publish.ts'

export interface RelayOptions {
  db: Kysely<EventStoreTables>
  /** Used for LISTEN: a pooled connection cannot hold a listener. */
  connectionString: string
  schema: string
  nc: NatsConnection
  context: Context
  prefix?: string
  /** Events read and published per round. */
  batchSize?: number
  /** Safety poll when no notification arrives (missed NOTIFY, listener reconnecting). */
  idlePollMs?: number
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
 */
export async function startOutboxRelay(opts: RelayOptions): Promise<RunningRelay> {
  const js = jetstream(opts.nc)
  const batchSize = opts.batchSize ?? 500
  let stopped = false
  let wake: (() => void) | undefined
  const listener = await listen(opts.connectionString, notifyChannel(opts.schema), () => wake?.())

  // Rounds never overlap: the loop and drain() share one queue, or both would publish the
  // same batch and race on the checkpoint.
  let queue: Promise<unknown> = Promise.resolve()
  const round = (): Promise<number> => {
    const next = queue.then(publishRound)
    queue = next.catch(() => undefined)
    return next
  }
  const publishRound = async (): Promise<number> => {
    const from = await loadCheckpoint(opts.db, opts.schema, CHECKPOINT)
    const events = await readAll(opts.db, opts.schema, from, batchSize)
    if (events.length === 0) return 0
    await publishEnvelopes(js, opts.context, events, opts.prefix)
    const last = events.at(-1)!
    await saveCheckpoint(opts.db, opts.schema, CHECKPOINT, last.checkpoint)
    opts.onProgress?.(events.length, last.checkpoint.position)
    return events.length
  }

  const loop = (async () => {
    while (!stopped) {
      try {
        if ((await round()) > 0) continue
      } catch (err) {
        opts.log.warn({ err }, 'outbox relay round failed; retrying')
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, opts.idlePollMs ?? 1000)
        wake = () => {
          clearTimeout(t)
          resolve()
        }
      })
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
        if (Date.now() > deadline) throw new Error(`drain: events up to ${head} not published in ${timeoutMs} ms`)
        await new Promise((r) => setTimeout(r, 20))
      }
    },
    async stop() {
      stopped = true
      wake?.()
      await loop
      await listener.end()
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

async function listen(connectionString: string, channel: string, onNotify: () => void) {
  const client = new pg.Client({ connectionString, application_name: 'tessera-outbox-listen' })
  client.on('notification', onNotify)
  // A dropped listener only slows the relay down to its idle poll; it must not crash it.
  client.on('error', () => undefined)
  await client.connect()
  await client.query(`listen "${channel}"`)
  return client
}
