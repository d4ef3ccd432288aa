import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common'
import pg from 'pg'
import { jetstream } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import type { Logger } from 'pino'
import { telemetryRecordsSubject } from '@tessera/contracts'
import type { SchemaDb } from '@tessera/event-store'
import { CONFIG, DB, LOGGER, NATS, SERVICE_SCHEMA } from '@tessera/service-kit'
import type { IngestEnv } from '../ingest.env.ts'
import { RecordsFanOut } from './fan-out.ts'
import {
  type BatchClaim,
  GroupCommitter,
  type PendingRecord,
  type StoreOutcome,
} from './group-commit.ts'
import { ensurePartitions } from './partitions.ts'

/**
 * The telemetry log: group-committed into Postgres, then fanned out to JetStream. `store`
 * resolves once the records are durable, which is when a caller may acknowledge them.
 */
@Injectable()
export class TelemetryLog implements OnModuleInit, OnApplicationShutdown {
  private pool!: pg.Pool
  private committer!: GroupCommitter
  private fanOut!: RecordsFanOut
  private partitionTimer?: NodeJS.Timeout

  constructor(
    @Inject(CONFIG) private readonly config: IngestEnv,
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(NATS) private readonly nc: NatsConnection,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async onModuleInit() {
    this.pool = new pg.Pool({
      connectionString: this.config.DATABASE_URL,
      max: this.config.INGEST_COMMITS_IN_FLIGHT + 2,
      application_name: 'ingest-telemetry-log',
    })
    this.fanOut = new RecordsFanOut({
      js: jetstream(this.nc),
      pool: this.pool,
      schema: this.schema,
      subject: telemetryRecordsSubject(this.config.TESSERA_STREAM_PREFIX),
      log: this.log,
      catchUpIntervalMs: this.config.INGEST_CATCH_UP_INTERVAL_MS,
    })
    this.committer = new GroupCommitter(this.pool, this.schema, {
      maxInFlight: this.config.INGEST_COMMITS_IN_FLIGHT,
      onCommitted: (g) => this.fanOut.enqueue(g),
    })
    await this.rollPartitions()
    this.partitionTimer = setInterval(() => void this.rollPartitions(), 3_600_000)
    this.partitionTimer.unref()
    await this.fanOut.start()
  }

  store(records: PendingRecord[], claim?: BatchClaim): Promise<StoreOutcome> {
    return this.committer.submit(records, claim)
  }

  /** Resolves when everything stored so far is on the stream. For tests and shutdown. */
  async drain() {
    await this.committer.idle()
    await this.fanOut.drain()
  }

  async onApplicationShutdown() {
    clearInterval(this.partitionTimer)
    await this.committer.idle()
    await this.fanOut.stop()
    await this.pool.end()
  }

  private async rollPartitions() {
    try {
      const created = await ensurePartitions(this.db, this.schema, new Date())
      if (created.length) this.log.info({ created }, 'telemetry partitions created')
    } catch (err) {
      this.log.error({ err }, 'could not create telemetry partitions; rows go to the default one')
    }
  }
}
