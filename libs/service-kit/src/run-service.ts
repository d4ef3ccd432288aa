import 'reflect-metadata'
import { type DynamicModule, Module, type Type } from '@nestjs/common'
import { NestFactory } from '@nestjs/core'
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify'
import type { NatsConnection } from '@nats-io/transport-node'
import type { Kysely, Migration } from 'kysely'
import type { z } from 'zod'
import type { Logger } from 'pino'
import type { Context } from '@tessera/contracts'
import { connectBus, provisionStreams, startOutboxRelay, type RunningConsumer } from '@tessera/bus'
import {
  createDb,
  eventLogMigrations,
  migrateSchema,
  pendingMigrations,
  pingDb,
  type EventStoreTables,
} from '@tessera/event-store'
import {
  NestPinoLogger,
  ObservabilityModule,
  createLogger,
  registerHttpMetrics,
} from '@tessera/observability'
import { projectionMigrations, runProjection } from '@tessera/projections'
import { ApiKeyCache, ApiKeyGuard, ApiKeyProjection, apiKeyMigrations } from './api-keys.ts'
import { BaseEnv, loadConfig } from './config.ts'
import { EventLog } from './event-log.ts'
import type { InlineProjection } from './inline-projection.ts'
import { toProjection } from './event-consumer.ts'
import { HttpExceptionFilter } from './http-exception.filter.ts'
import { clientErrorHandler, frameworkErrors, registerInputRules } from './input-rules.ts'
import { assertEveryRouteDeclared } from './route-table.ts'
import { API_KEY_ROWS, CONFIG, DB, EVENT_LOG, LOGGER, NATS, SERVICE_SCHEMA } from './tokens.ts'

export interface ServiceDefinition<E extends z.ZodObject = typeof BaseEnv> {
  /** `guardian`; also its Postgres schema. */
  name: string
  /** The JetStream context its own events go to. */
  context: Context
  /** The service's Nest module: controllers and providers (consumers included). */
  module: Type
  /** Providers decorated with `@EventConsumer`, started once the app is up. */
  consumers?: Type[]
  /**
   * Background providers (a durable scheduler's workers) started once the app is up and stopped
   * first; never by the migrate or rebuild CLIs.
   */
  workers?: Type<ServiceWorker>[]
  /**
   * The read models written from the service's own events in the append's transaction, each
   * rebuildable from position 0 (`npm run rebuild -- <service> <name>`).
   */
  projections?: readonly InlineProjection[]
  migrations?: (schema: string) => Record<string, Migration>
  /** The service's env schema; extend {@link BaseEnv}. */
  env?: E
  /** Request body limit; Fastify's default is 1 MiB. */
  bodyLimit?: number
  /** Registers Fastify plugins (rate limits, OpenAPI, …) before the routes are set up. */
  configure?: (app: NestFastifyApplication, config: z.infer<E>) => Promise<void>
}

/** What `ServiceDefinition.workers` are: started after the consumers, stopped before them. */
export interface ServiceWorker {
  start(): Promise<void>
  stop(): Promise<void>
}

export interface RunningService {
  app: NestFastifyApplication
  url: string
  stop(): Promise<void>
}

/** Every migration a service's schema gets: the log, projections, API keys, then its own. */
export function allMigrations(def: Pick<ServiceDefinition, 'migrations'>, schema: string) {
  return {
    ...eventLogMigrations(schema),
    ...projectionMigrations(schema),
    ...apiKeyMigrations(schema),
    ...(def.migrations?.(schema) ?? {}),
  }
}

/**
 * Boots a service: config, migrations, streams, the Nest app on Fastify, the outbox relay and
 * every consumer; and stops them in reverse order on SIGTERM/SIGINT.
 */
export async function runService<E extends z.ZodObject>(
  def: ServiceDefinition<E>,
): Promise<RunningService> {
  const deps = await connectDependencies(def, { connectBus: true })
  const { db, config, log, schema } = deps
  const nc = deps.nc!
  const prefix = config.TESSERA_STREAM_PREFIX
  await migrateSchema(db, schema, deps.migrations)
  await provisionStreams(nc, prefix)

  const app = await NestFactory.create<NestFastifyApplication>(
    rootModule(def, deps),
    new FastifyAdapter({
      bodyLimit: def.bodyLimit ?? 1024 * 1024,
      trustProxy: config.TRUST_PROXY === 'false' ? false : config.TRUST_PROXY,
      frameworkErrors,
      clientErrorHandler,
    }),
    // The body parsers are the kit's (registerInputRules): JSON only, UTF-8 only.
    { bufferLogs: true, bodyParser: false },
  )
  app.useLogger(app.get(NestPinoLogger))
  app.useGlobalFilters(new HttpExceptionFilter(log))
  registerInputRules(app.getHttpAdapter().getInstance())
  app.enableShutdownHooks()
  registerHttpMetrics(app.getHttpAdapter().getInstance())
  await def.configure?.(app, config as z.infer<E>)
  await app.init()
  assertEveryRouteDeclared(app)

  const relay = await startOutboxRelay({
    db,
    connectionString: config.DATABASE_URL,
    schema,
    nc,
    context: def.context,
    prefix,
    log,
  })
  const consumers: RunningConsumer[] = []
  for (const type of [ApiKeyProjection, ...(def.consumers ?? [])]) {
    const projection = toProjection(app.get(type), prefix)
    consumers.push(
      await runProjection({ nc, db, schema, service: def.name, projection, log, prefix }),
    )
  }

  const workers = (def.workers ?? []).map((type) => app.get(type))
  for (const w of workers) await w.start()

  await app.listen(config.PORT, config.HOST)
  const url = await app.getUrl()
  log.info({ url, schema, prefix }, `${def.name} listening`)

  let stopping: Promise<void> | undefined
  const stop = () =>
    (stopping ??= (async () => {
      for (const w of workers) await w.stop()
      for (const c of consumers) await c.stop()
      await relay.stop()
      await app.close()
      await deps.close()
    })())
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.once(sig, () => void stop().then(() => process.exit(0)))
  }
  return { app, url, stop }
}

export interface KitDeps {
  db: Kysely<EventStoreTables>
  nc: NatsConnection | undefined
  schema: string
  config: z.infer<typeof BaseEnv>
  log: Logger
  migrations: Record<string, Migration>
  close(): Promise<void>
}

/** Config, logger, Postgres and (optionally) NATS, waiting for each to come up. */
export async function connectDependencies(
  def: ServiceDefinition<z.ZodObject>,
  opts: { connectBus: boolean },
): Promise<KitDeps> {
  const config = loadConfig(def.env ?? BaseEnv) as z.infer<typeof BaseEnv>
  const log = createLogger({ service: def.name, level: config.LOG_LEVEL })
  const schema = def.name
  const db = createDb<EventStoreTables>({
    connectionString: config.DATABASE_URL,
    applicationName: def.name,
  })
  await retry(() => pingDb(db), log, 'postgres')
  const nc = opts.connectBus
    ? await retry(() => connectBus({ url: config.NATS_URL, name: def.name }), log, 'nats')
    : undefined
  return {
    db,
    nc,
    schema,
    config,
    log,
    migrations: allMigrations(def, schema),
    async close() {
      await nc?.drain().catch(() => undefined)
      await db.destroy()
    },
  }
}

export function rootModule(def: ServiceDefinition<z.ZodObject>, deps: KitDeps): DynamicModule {
  const { db, nc, schema, config, log, migrations } = deps
  const eventLog = new EventLog(db, schema, def.projections ?? [])
  @Module({})
  class KitModule {}
  const kit: DynamicModule = {
    module: KitModule,
    global: true,
    providers: [
      { provide: DB, useValue: db },
      { provide: NATS, useValue: nc ?? null },
      { provide: CONFIG, useValue: config },
      { provide: SERVICE_SCHEMA, useValue: schema },
      { provide: LOGGER, useValue: log },
      { provide: EVENT_LOG, useValue: eventLog },
      ApiKeyCache,
      { provide: API_KEY_ROWS, useExisting: ApiKeyCache },
      ApiKeyGuard,
      ApiKeyProjection,
    ],
    exports: [
      DB,
      NATS,
      CONFIG,
      SERVICE_SCHEMA,
      LOGGER,
      EVENT_LOG,
      ApiKeyCache,
      API_KEY_ROWS,
      ApiKeyGuard,
      ApiKeyProjection,
    ],
  }
  @Module({})
  class RootModule {}
  return {
    module: RootModule,
    imports: [
      kit,
      ObservabilityModule.forRoot({
        service: def.name,
        logger: log,
        readiness: [
          { name: 'postgres', check: () => pingDb(db) },
          {
            name: 'nats',
            check: async () => {
              if (!nc || nc.isClosed()) throw new Error('connection closed')
              await nc.flush()
            },
          },
          {
            name: 'migrations',
            check: async () => {
              const pending = await pendingMigrations(db, schema, migrations)
              if (pending.length) throw new Error(`pending: ${pending.join(', ')}`)
            },
          },
        ],
      }),
      def.module,
    ],
  }
}

async function retry<T>(
  fn: () => Promise<T>,
  log: Logger,
  what: string,
  attempts = 30,
): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn()
    } catch (err) {
      if (i >= attempts) throw err
      log.warn({ err, attempt: i }, `${what} not reachable yet; retrying`)
      await new Promise((r) => setTimeout(r, 1000))
    }
  }
}
