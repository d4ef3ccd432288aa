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
}

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
        const iter = await consumer.consume({ max_messages: batchSize })
        let writing: Promise<void> = Promise.resolve()
        try {
          let batch: Positioned[] = []
          for await (const m of iter) {
            batch.push({ envelope: AnyEnvelope.parse(m.json()), sourcePosition: m.seq })
            const caughtUp = m.info.pending === 0
            if (batch.length < batchSize && !caughtUp) continue
            const full = batch
            batch = []
            await writing
            writing = applyBatch(conn, schema, projection, full).then(() => {
              applied += full.length
              report(false)
            })
            // its failure surfaces at the next await, not as an unhandled rejection meanwhile
            writing.catch(() => undefined)
            if (caughtUp) break
          }
          await writing
        } finally {
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
