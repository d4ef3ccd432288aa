import { type Migration, sql } from 'kysely'
import { assertSchemaName, type SchemaDb, type SchemaTx } from '@tessera/event-store'
import type { AnyEnvelope } from '@tessera/contracts'
import type { Projection } from './projection.ts'

export function projectionMigrations(schema: string): Record<string, Migration> {
  const s = sql.id(assertSchemaName(schema))
  return {
    '2026_11_21_0001_projection_store': {
      async up(db: SchemaDb) {
        // Which events each projection has applied: makes redelivery and replays harmless.
        await sql`
          create table ${s}.projection_inbox (
            projection text not null,
            event_id uuid not null,
            primary key (projection, event_id)
          )`.execute(db)
        await sql`
          create table ${s}.projection_checkpoints (
            projection text primary key,
            source_position bigint not null,
            applied bigint not null,
            updated_at timestamptz not null default now()
          )`.execute(db)
      },
    },
  }
}

export interface Positioned {
  envelope: AnyEnvelope
  /** Position in the source (the JetStream sequence), for progress and lag. */
  sourcePosition: number
}

/**
 * Applies a batch in one transaction: inbox rows, projection rows and checkpoint commit
 * together, so a crash between apply and ack replays into a no-op. Returns how many were new
 * (an idempotent projection keeps no inbox: every event it is given counts, redeliveries too).
 */
export async function applyBatch(
  db: SchemaDb | SchemaTx,
  schema: string,
  projection: Projection,
  batch: readonly Positioned[],
): Promise<number> {
  if (batch.length === 0) return 0
  const s = sql.id(assertSchemaName(schema))
  const run = async (tx: SchemaTx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${lockKey(schema, projection)}))`.execute(tx)
    const fresh = projection.idempotent ? batch : await unseen(tx, s, projection, batch)
    for (const b of fresh) await projection.apply(tx, b.envelope)
    if (fresh.length > 0) await projection.afterBatch?.(tx)
    let top = 0
    for (const b of batch) top = Math.max(top, b.sourcePosition)
    await sql`
      insert into ${s}.projection_checkpoints (projection, source_position, applied)
      values (${projection.name}, ${top}, ${fresh.length})
      on conflict (projection) do update set
        source_position = greatest(${s}.projection_checkpoints.source_position, excluded.source_position),
        applied = ${s}.projection_checkpoints.applied + excluded.applied,
        updated_at = now()`.execute(tx)
    return fresh.length
  }
  return db.isTransaction ? run(db as SchemaTx) : db.transaction().execute(run)
}

/** The batch's events not in the projection's inbox yet, which are now recorded there. */
async function unseen(
  tx: SchemaTx,
  s: ReturnType<typeof sql.id>,
  projection: Projection,
  batch: readonly Positioned[],
): Promise<Positioned[]> {
  const ids = batch.map((b) => b.envelope.metadata.eventId)
  const { rows } = await sql<{ event_id: string }>`
    insert into ${s}.projection_inbox (projection, event_id)
    select ${projection.name}, unnest(${ids}::uuid[])
    on conflict do nothing
    returning event_id`.execute(tx)
  const fresh = new Set(rows.map((r) => r.event_id))
  return batch.filter((b) => fresh.delete(b.envelope.metadata.eventId))
}

export interface ProjectionStatus {
  projection: string
  sourcePosition: number
  /** Events applied; for an idempotent projection (no inbox), deliveries, redeliveries too. */
  applied: number
  updatedAt: Date
}

export async function projectionStatus(
  db: SchemaDb,
  schema: string,
  name: string,
): Promise<ProjectionStatus | undefined> {
  const s = sql.id(assertSchemaName(schema))
  const { rows } = await sql<{ source_position: string; applied: string; updated_at: Date }>`
    select source_position, applied, updated_at from ${s}.projection_checkpoints
    where projection = ${name}`.execute(db)
  const r = rows[0]
  return r
    ? {
        projection: name,
        sourcePosition: Number(r.source_position),
        applied: Number(r.applied),
        updatedAt: r.updated_at,
      }
    : undefined
}

/** Live batches and a rebuild of the same projection exclude each other on this key. */
export function lockKey(schema: string, projection: Projection): string {
  return `tessera.projection:${schema}.${projection.name}`
}
