import { PgBoss, fromKysely } from 'pg-boss'
import type { Logger } from 'pino'
import type { SchemaTx } from '@tessera/event-store'

/** What a queue's handler is given: the data it was scheduled with. */
export type ScheduledHandler<T> = (data: T) => Promise<void>

export interface DurableSchedulerOptions {
  connectionString: string
  /** The service's schema; the jobs live beside it in `<schema>_jobs`, so tests stay apart. */
  serviceSchema: string
  log: Logger
  /** How often an idle worker looks for due jobs. pg-boss's floor is 0.5. */
  pollingIntervalSeconds?: number
  /**
   * How long a job may stay claimed before pg-boss fails it and retries (pg-boss's
   * `expireInSeconds`, default 15 min): also how late a job claimed by a process that was
   * killed runs again. Checked every `superviseIntervalSeconds` (default 60).
   */
  expireInSeconds?: number
  superviseIntervalSeconds?: number
}

/** The Postgres schema a service's scheduled jobs live in. */
export const jobsSchemaOf = (serviceSchema: string) => `${serviceSchema}_jobs`

/**
 * "Do this at time T", durably: a thin wrapper of pg-boss (jobs in Postgres, polled with
 * SKIP LOCKED). A job is scheduled in the caller's transaction, so it exists if and only if the
 * fact that needs it was committed; it survives restarts because it is a row; it is retried with
 * backoff when its handler throws. Delivery is at least once: a handler must be idempotent,
 * which an aggregate gives for free when the command names the state it acts on (the pact's
 * round, the escrow's version) and decides nothing when that state has moved on.
 */
export class DurableScheduler {
  private readonly boss: PgBoss
  private readonly handlers = new Map<string, ScheduledHandler<never>>()
  private readonly concurrency = new Map<string, number>()
  private started = false

  constructor(private readonly opts: DurableSchedulerOptions) {
    this.boss = new PgBoss({
      connectionString: opts.connectionString,
      schema: jobsSchemaOf(opts.serviceSchema),
      application_name: `${opts.serviceSchema}-jobs`,
      max: 3,
      // recurring schedules are not used: one-off jobs need no cron
      schedule: false,
      ...(opts.superviseIntervalSeconds
        ? { superviseIntervalSeconds: opts.superviseIntervalSeconds }
        : {}),
    })
    this.boss.on('error', (err) => opts.log.error({ err }, 'durable scheduler error'))
  }

  /**
   * Registers the handler of a queue; call before {@link start}. `concurrency` workers poll it
   * (pg-boss's `localConcurrency`; default 1), so one slow job (a jury panel waiting on its
   * judges) does not hold the jobs behind it.
   */
  on<T extends object>(
    queue: string,
    handler: ScheduledHandler<T>,
    opts: { concurrency?: number } = {},
  ): this {
    this.handlers.set(queue, handler)
    this.concurrency.set(queue, opts.concurrency ?? 1)
    return this
  }

  /** Installs or migrates the jobs schema, creates the queues and starts their workers. */
  async start(): Promise<void> {
    await this.boss.start()
    for (const [queue, handler] of this.handlers) {
      await this.boss.createQueue(queue, {
        retryLimit: 20,
        retryDelay: 1,
        retryBackoff: true,
        ...(this.opts.expireInSeconds ? { expireInSeconds: this.opts.expireInSeconds } : {}),
      })
      await this.boss.work<object>(
        queue,
        {
          batchSize: 1,
          pollingIntervalSeconds: this.opts.pollingIntervalSeconds ?? 2,
          localConcurrency: this.concurrency.get(queue) ?? 1,
        },
        async (jobs) => {
          for (const job of jobs) await (handler as ScheduledHandler<object>)(job.data)
        },
      )
    }
    this.started = true
  }

  /**
   * Schedules `data` for `queue` at `runAt`, in `tx`: rolled back with it, committed with it.
   * Returns the job's id.
   */
  async scheduleAt<T extends object>(
    tx: SchemaTx,
    queue: string,
    data: T,
    runAt: Date,
  ): Promise<string | null> {
    if (!this.handlers.has(queue)) throw new Error(`no handler for the queue ${queue}`)
    return this.boss.send(queue, data, { startAfter: runAt, db: fromKysely(tx) })
  }

  /**
   * Schedules several jobs for `queue` in one insert, in `tx` (a group commit's deadlines).
   */
  async scheduleManyAt<T extends object>(
    tx: SchemaTx,
    queue: string,
    jobs: readonly { data: T; runAt: Date }[],
  ): Promise<void> {
    if (!this.handlers.has(queue)) throw new Error(`no handler for the queue ${queue}`)
    if (jobs.length === 0) return
    await this.boss.insert(
      queue,
      jobs.map((j) => ({ data: j.data, startAfter: j.runAt })),
      { db: fromKysely(tx) },
    )
  }

  /** Stops the workers (waiting for a running job) and closes the pool. */
  async stop(): Promise<void> {
    if (!this.started) return
    this.started = false
    await this.boss.stop({ graceful: true, timeout: 10_000, close: true })
  }
}
