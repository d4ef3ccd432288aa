import { Inject, Injectable } from '@nestjs/common'
import type { EscrowCreated, Envelope } from '@tessera/contracts'
import type { SchemaDb, SchemaTx } from '@tessera/event-store'
import type { Logger } from 'pino'
import {
  CONFIG,
  DB,
  DurableScheduler,
  LOGGER,
  SERVICE_SCHEMA,
  type BaseEnv,
  type ServiceWorker,
} from '@tessera/service-kit'
import { DISPUTE_WINDOW_MS } from '../domain/escrow/escrow.decider.ts'
import { retryOnConflict } from '../ledger/ledger.service.ts'
import { EscrowCommands } from './escrow-commands.ts'
import { EscrowLifecycleEnv } from './escrows.env.ts'
import { sellerLastSeen, sellerOfEscrow } from './escrows.repository.ts'

const QUEUE = 'escrow-deadline'
/** A held round-1 verdict, settled at its `settleAt` unless appealed (`SettleDueVerdict`). */
const VERDICT_QUEUE = 'escrow-verdict-due'

type Env = BaseEnv & {
  ESCROW_SCHEDULER_POLL_SECONDS?: number
  ESCROW_DEADLINE_GRACE_SECONDS?: number
}

/**
 * Escrow deadlines on the durable scheduler (pg-boss). Each event that sets a time the escrow
 * must be looked at again (its creation, a grace extension, a failed completion's dispute
 * window) schedules a job in the append's transaction; the job runs `ExpireEscrow`, which
 * decides nothing once the escrow moved on, so a job that runs twice, late, or after a
 * kill -9 and restart refunds once (and the ledger's void of the lock can happen only once).
 */
@Injectable()
export class EscrowDeadlines implements ServiceWorker {
  private readonly scheduler: DurableScheduler
  private readonly graceMs: number

  constructor(
    @Inject(CONFIG) config: Env,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
    @Inject(LOGGER) logger: Logger,
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(EscrowCommands) private readonly commands: EscrowCommands,
  ) {
    this.graceMs =
      (config.ESCROW_DEADLINE_GRACE_SECONDS ??
        EscrowLifecycleEnv.ESCROW_DEADLINE_GRACE_SECONDS.parse(undefined)) * 1000
    this.scheduler = new DurableScheduler({
      connectionString: config.DATABASE_URL,
      serviceSchema: schema,
      log: logger,
      pollingIntervalSeconds:
        config.ESCROW_SCHEDULER_POLL_SECONDS ??
        EscrowLifecycleEnv.ESCROW_SCHEDULER_POLL_SECONDS.parse(undefined),
      // a deadline claimed by a process killed mid-job runs again within about a minute
      expireInSeconds: 30,
      superviseIntervalSeconds: 15,
    })
      .on<{ escrowId: string }>(QUEUE, ({ escrowId }) => this.expire(escrowId))
      .on<{ escrowId: string }>(VERDICT_QUEUE, ({ escrowId }) => this.settleDueVerdict(escrowId))
  }

  start() {
    return this.scheduler.start()
  }

  stop() {
    return this.scheduler.stop()
  }

  /** Schedules the look each of these events calls for, in their transaction (one insert a queue). */
  async schedule(tx: SchemaTx, events: readonly Envelope[]) {
    const verdicts: { data: { escrowId: string }; runAt: Date }[] = []
    const deadlines: { data: { escrowId: string }; runAt: Date }[] = []
    for (const e of events) {
      const { escrowId } = e.data as { escrowId: string }
      if (e.type === 'VerdictRecorded') {
        const { settleAt } = e.data as { settleAt: string }
        verdicts.push({ data: { escrowId }, runAt: new Date(settleAt) })
        continue
      }
      const at = dueAt(e)
      if (at) deadlines.push({ data: { escrowId }, runAt: at })
    }
    await this.scheduler.scheduleManyAt(tx, VERDICT_QUEUE, verdicts)
    await this.scheduler.scheduleManyAt(tx, QUEUE, deadlines)
  }

  /** Runs the deadline now (the job's handler; also what a test calls). */
  async expire(escrowId: string) {
    await retryOnConflict(() =>
      this.db.transaction().execute(async (tx) => {
        const seller = await sellerOfEscrow(tx, this.schema, escrowId)
        await this.commands.run(
          tx,
          escrowId,
          {
            type: 'ExpireEscrow',
            now: new Date(),
            sellerLastSeenAt: seller ? await sellerLastSeen(tx, this.schema, seller) : null,
            graceMs: this.graceMs,
          },
          { actor: { kind: 'system', id: 'escrow-deadlines' } },
          (stored) => this.schedule(tx, stored),
        )
      }),
    )
  }
  /**
   * Settles a held round-1 verdict once its appeal window closed (the job's handler; also what
   * a test calls). Decides nothing after an appeal, a round-2 settlement or an earlier run, so
   * the job is idempotent however often and late it runs.
   */
  async settleDueVerdict(escrowId: string) {
    await retryOnConflict(() =>
      this.db
        .transaction()
        .execute((tx) =>
          this.commands.run(
            tx,
            escrowId,
            { type: 'SettleDueVerdict', now: new Date() },
            { actor: { kind: 'system', id: 'escrow-verdicts' } },
          ),
        ),
    )
  }
}

function dueAt(e: Envelope): Date | null {
  switch (e.type) {
    case 'EscrowCreated':
      return new Date((e.data as EscrowCreated).deadlineUtc)
    case 'EscrowDeadlineExtended':
      return new Date((e.data as { deadlineUtc: string }).deadlineUtc)
    case 'CompletionSubmitted': {
      const d = e.data as { verification: string; submittedAt: string }
      return d.verification === 'fail'
        ? new Date(Date.parse(d.submittedAt) + DISPUTE_WINDOW_MS)
        : null
    }
    default:
      return null
  }
}
