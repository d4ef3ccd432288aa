import { Inject, Injectable } from '@nestjs/common'
import type { Envelope } from '@tessera/contracts'
import type { SchemaTx } from '@tessera/event-store'
import type { Logger } from 'pino'
import {
  CONFIG,
  DurableScheduler,
  EVENT_LOG,
  type EventLog,
  LOGGER,
  SERVICE_SCHEMA,
  type ServiceWorker,
} from '@tessera/service-kit'
import { pactDecider, pactStreamId } from '../domain/pact/pact.decider.ts'
import type { PactsEnv } from '../pacts.env.ts'

const QUEUE = 'pact-round-expiry'

interface RoundDeadline {
  pactId: string
  round: number
}

/**
 * Expires unanswered rounds. Each proposal or counter schedules its round's deadline in the
 * append's transaction (service-kit's DurableScheduler, pg-boss); at the deadline the job runs
 * `ExpirePact {round}`, which decides nothing once the round was answered or the pact expired,
 * so a job that runs twice, or after a restart, expires the pact once.
 */
@Injectable()
export class PactExpiry implements ServiceWorker {
  private readonly scheduler: DurableScheduler

  constructor(
    @Inject(CONFIG) config: PactsEnv,
    @Inject(SERVICE_SCHEMA) schema: string,
    @Inject(LOGGER) logger: Logger,
    @Inject(EVENT_LOG) private readonly log: EventLog,
  ) {
    this.scheduler = new DurableScheduler({
      connectionString: config.DATABASE_URL,
      serviceSchema: schema,
      log: logger,
      pollingIntervalSeconds: config.PACTS_SCHEDULER_POLL_SECONDS,
    }).on<RoundDeadline>(QUEUE, (deadline) => this.expire(deadline))
  }

  /** Started by runService (a `worker` of the service), so never by the migrate or rebuild CLIs. */
  start() {
    return this.scheduler.start()
  }

  stop() {
    return this.scheduler.stop()
  }

  /** Schedules the deadline of every round these events opened, in their transaction. */
  async scheduleRounds(tx: SchemaTx, events: readonly Envelope[]) {
    for (const e of events) {
      if (e.type !== 'PactProposed' && e.type !== 'PactCountered') continue
      const d = e.data as { pactId: string; round: number; expiresAt: string }
      await this.scheduler.scheduleAt<RoundDeadline>(
        tx,
        QUEUE,
        { pactId: d.pactId, round: d.round },
        new Date(d.expiresAt),
      )
    }
  }

  private async expire({ pactId, round }: RoundDeadline) {
    await this.log.handle(
      pactStreamId(pactId),
      pactDecider,
      { type: 'ExpirePact', pactId, round, now: new Date() },
      { actor: { kind: 'system', id: 'pact-expiry' } },
    )
  }
}
