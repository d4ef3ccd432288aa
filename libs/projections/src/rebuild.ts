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
  const batchSize = opts.batchSize ?? 1000
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
      let total = 0
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
      for (;;) {
        const batch: Positioned[] = []
        let pending = 0
        const iter = await consumer.fetch({ max_messages: batchSize, expires: 2000 })
        for await (const m of iter) {
          pending = m.info.pending
          if (total === 0) total = pending + 1
          batch.push({ envelope: AnyEnvelope.parse(m.json()), sourcePosition: m.seq })
          // Caught up: do not sit out the fetch's expiry waiting for messages that are not there.
          if (pending === 0) {
            iter.stop()
            break
          }
        }
        if (batch.length > 0) {
          await applyBatch(conn, schema, projection, batch)
          applied += batch.length
          report(false)
        }
        if (batch.length === 0 || pending === 0) break
      }
      const after = projection.afterRebuild?.bind(projection)
      if (after) await conn.transaction().execute((tx) => after(tx))
      return report(true)
    } finally {
      await sql`select pg_advisory_unlock(hashtext(${lockKey(schema, projection)}))`.execute(conn)
    }
  })
}
