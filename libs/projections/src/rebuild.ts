import type { NatsConnection } from '@nats-io/transport-node'
import { jetstream } from '@nats-io/jetstream'
import { sql } from 'kysely'
import { AnyEnvelope } from '@tessera/contracts'
import { assertSchemaName, type SchemaDb } from '@tessera/event-store'
import type { Projection } from './projection.ts'
import { type Positioned, applyBatch, lockKey } from './projection-store.ts'

export interface RebuildProgress {
  projection: string
  applied: number
  /** Messages in the source when the rebuild started (its target). */
  total: number
  eventsPerSecond: number
  done: boolean
}

export interface RebuildOptions {
  nc: NatsConnection
  db: SchemaDb
  schema: string
  projection: Projection
  batchSize?: number
  onProgress?: (p: RebuildProgress) => void
  /**
   * How long the replay waits for the next message before it gives up (default 10 s): when the
   * source lost messages under it (a purge), or the bus stopped delivering (see MAX_PULL), since
   * its last message says it is the last. A replay that stops short fails; it never ends as if
   * it had caught up.
   */
  stallMs?: number
}

/**
 * The most messages the replay asks the bus for at a time, whatever its batch size (a batch is
 * gathered from several pulls). Pulls of 50,000 (scoring's batch, tried) made the ordered
 * consumer reset mid-replay, then ask for 0 messages with its buffer full and wait for two missed
 * heartbeats: 45 s without a message after each reset (seen in its status events).
 */
const MAX_PULL = 10_000

/**
 * Replays a projection from position 0 of its source. Live batches of the same projection wait
 * on an advisory lock meanwhile, so the two never interleave; readers see the projection fill
 * up again from empty while it runs.
 */
export async function rebuildProjection(opts: RebuildOptions): Promise<RebuildProgress> {
  const { projection, schema } = opts
  const s = sql.id(assertSchemaName(schema))
  const js = jetstream(opts.nc)
  // A projection that prefers big live batches (its cost is per batch) gets them here too.
  const batchSize = opts.batchSize ?? Math.max(1000, projection.batchSize ?? 0)
  return opts.db.connection().execute(async (conn) => {
    // Session lock on this one connection; its transactions below re-enter it.
    await sql`select pg_advisory_lock(hashtext(${lockKey(schema, projection)}))`.execute(conn)
    try {
      await conn.transaction().execute(async (tx) => {
        await projection.reset(tx)
        await sql`delete from ${s}.projection_inbox where projection = ${projection.name}`.execute(
          tx,
        )
        await sql`delete from ${s}.projection_checkpoints where projection = ${projection.name}`.execute(
          tx,
        )
      })
      const consumer = await js.consumers.get(projection.source.stream, {
        filter_subjects: projection.source.filterSubject,
        opt_start_seq: 1,
        deliver_policy: 'by_start_sequence' as never,
      })
      const started = Date.now()
      let applied = 0
      // What the source holds now: the rebuild's target (it also applies what arrives meanwhile,
      // until it has caught up).
      const total = (await consumer.info()).num_pending
      const report = (done: boolean) => {
        const secs = Math.max(0.001, (Date.now() - started) / 1000)
        const p = {
          projection: projection.name,
          applied,
          total: Math.max(total, applied),
          eventsPerSecond: Math.round(applied / secs),
          done,
        }
        opts.onProgress?.(p)
        return p
      }
      if (total > 0) {
        // One continuous pull (the client keeps fetching up to a batch ahead), and a batch is
        // written while the next one is read and parsed: the bus, this process and Postgres
        // work at once instead of taking turns. Batches still commit one at a time, in order.
        const iter = await consumer.consume({ max_messages: Math.min(batchSize, MAX_PULL) })
        // Runs only while the loop waits for a message, never while it writes a batch.
        let stalled: NodeJS.Timeout | undefined
        let stalledOut = false
        let reachedEnd = false
        const waitForNext = () => {
          stalled = setTimeout(() => {
            stalledOut = true
            iter.stop()
          }, opts.stallMs ?? 10_000)
        }
        let writing: Promise<void> = Promise.resolve()
        const write = async (full: Positioned[]) => {
          await writing
          writing = applyBatch(conn, schema, projection, full).then(() => {
            applied += full.length
            report(false)
          })
          // its failure surfaces at the next await, not as an unhandled rejection meanwhile
          writing.catch(() => undefined)
        }
        try {
          let batch: Positioned[] = []
          waitForNext()
          for await (const m of iter) {
            clearTimeout(stalled)
            batch.push({ envelope: AnyEnvelope.parse(m.json()), sourcePosition: m.seq })
            reachedEnd = m.info.pending === 0
            if (batch.length >= batchSize || reachedEnd) {
              await write(batch)
              batch = []
            }
            if (reachedEnd) break
            waitForNext()
          }
          if (batch.length > 0) await write(batch)
          await writing
          if (!reachedEnd)
            throw new Error(
              `${projection.name}: the replay of ${projection.source.stream} stopped before ` +
                `its last message (${applied} of ${total} applied)` +
                (stalledOut
                  ? `: no message for ${opts.stallMs ?? 10_000} ms (the source lost messages under it, or the bus stopped delivering)`
                  : '') +
                '; run the rebuild again',
            )
        } finally {
          clearTimeout(stalled)
          await iter.close()
        }
      }
      const after = projection.afterRebuild?.bind(projection)
      if (after) await conn.transaction().execute((tx) => after(tx))
      return report(true)
    } finally {
      await sql`select pg_advisory_unlock(hashtext(${lockKey(schema, projection)}))`.execute(conn)
    }
  })
}
