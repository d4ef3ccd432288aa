import type { NatsConnection } from '@nats-io/transport-node'

import { type BusLogger, type RunningConsumer, runConsumer } from '@tessera/bus'
import type { Projection } from './projection.ts'
import { applyBatch } from './projection-store.ts'
import type { SchemaDb } from '@tessera/event-store'

export interface ProjectionRunnerOptions {
  nc: NatsConnection
  db: SchemaDb
  schema: string
  /** Owning service; with the projection name it makes the durable consumer name. */
  service: string
  projection: Projection
  log: BusLogger
  prefix?: string
  batchSize?: number
  maxDeliver?: number
}

/** Keeps a projection up to date from its durable consumer on the bus. */
export function runProjection(opts: ProjectionRunnerOptions): Promise<RunningConsumer> {
  const { projection } = opts
  return runConsumer(
    opts.nc,
    {
      stream: projection.source.stream,
      filterSubject: projection.source.filterSubject,
      durable: durableName(opts.service, projection.name),
      batchSize: opts.batchSize ?? projection.batchSize ?? 500,
      maxDeliver: opts.maxDeliver ?? 5,
      prefix: opts.prefix ?? '',
      ...(projection.handles ? { skip: unhandled(projection.handles) } : {}),
      ...(projection.maxWaitMs === undefined ? {} : { maxWaitMs: projection.maxWaitMs }),
    },
    async (batch) => {
      await applyBatch(
        opts.db,
        opts.schema,
        projection,
        batch.map((d) => ({ envelope: d.envelope, sourcePosition: d.streamSequence })),
      )
    },
    opts.log,
  )
}

/** The durable consumer a service's projection runs on (the bus keeps its position). */
export function durableName(service: string, projection: string): string {
  return `${service}-${projection}`
}

/** A subject's event type is its last token (`tessera.guardian.ActionChecked`). */
export function unhandled(handles: ReadonlySet<string>): (subject: string) => boolean {
  return (subject) => !handles.has(subject.slice(subject.lastIndexOf('.') + 1))
}
