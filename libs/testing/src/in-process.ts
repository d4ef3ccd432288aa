import type { NatsConnection } from '@nats-io/transport-node'
import { sql } from 'kysely'
import type { z } from 'zod'
import { connectBus, deleteStreams } from '@tessera/bus'
import { createDb, type SchemaDb } from '@tessera/event-store'
import {
  type RunningService,
  type ServiceDefinition,
  jobsSchemaOf,
  runService,
} from '@tessera/service-kit'
import { freshStreamPrefix, testDatabaseUrl, testNatsUrl, uniqueTag } from './infra.ts'

/**
 * A service running in this process on a schema and stream prefix of its own, with a pool and
 * a bus connection for the test to look behind the API. `stop()` removes all of it.
 */
export class InProcessService {
  constructor(
    /** One or more instances on the one schema (replicas). */
    readonly replicas: RunningService[],
    readonly schema: string,
    readonly prefix: string,
    readonly db: SchemaDb,
    readonly nc: NatsConnection,
  ) {}

  /** The first replica. */
  get service(): RunningService {
    return this.replicas[0]!
  }

  get url(): string {
    return this.service.url
  }

  async stop(): Promise<void> {
    for (const r of this.replicas) await r.stop()
    await deleteStreams(this.nc, this.prefix).catch(() => undefined)
    await this.nc.drain()
    await sql`drop schema if exists ${sql.id(this.schema)} cascade`.execute(this.db)
    // a service's durable jobs (service-kit's DurableScheduler) live beside its schema
    await sql`drop schema if exists ${sql.id(jobsSchemaOf(this.schema))} cascade`.execute(this.db)
    await this.db.destroy()
  }
}

/**
 * Boots `def` with the test Postgres and NATS, on a fresh schema (runService names the schema
 * after the service, so a fresh name is a fresh schema) and stream prefix; `env` adds to or
 * overrides the service's variables (a `TESSERA_STREAM_PREFIX` there is the prefix it runs on).
 */
export async function startInProcess<E extends z.ZodObject>(
  def: ServiceDefinition<E>,
  opts: { env?: Record<string, string>; replicas?: number } = {},
): Promise<InProcessService> {
  const schema = `t_${def.name}_${uniqueTag()}`
  // several services on one prefix (e2e stacks) name it in `env`; `prefix` must be the one used
  const prefix = opts.env?.['TESSERA_STREAM_PREFIX'] ?? freshStreamPrefix()
  Object.assign(process.env, {
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: testDatabaseUrl(),
    NATS_URL: testNatsUrl(),
    TESSERA_STREAM_PREFIX: prefix,
    LOG_LEVEL: 'silent',
    ...opts.env,
  })
  const replicas: RunningService[] = []
  for (let i = 0; i < (opts.replicas ?? 1); i++)
    replicas.push(await runService({ ...def, name: schema }))
  const db = createDb({ connectionString: testDatabaseUrl(), max: 2 })
  const nc = await connectBus({ url: testNatsUrl(), name: `${def.name}-test` })
  return new InProcessService(replicas, schema, prefix, db, nc)
}
