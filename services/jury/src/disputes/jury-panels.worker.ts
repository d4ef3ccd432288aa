import { Inject, Injectable } from '@nestjs/common'
import type { Logger } from 'pino'
import type { Envelope } from '@tessera/contracts'
import { ConcurrencyError, type SchemaDb, type SchemaTx } from '@tessera/event-store'
import {
  CONFIG,
  DB,
  DurableScheduler,
  EVENT_LOG,
  type EventLog,
  LOGGER,
  SERVICE_SCHEMA,
  type ServiceWorker,
} from '@tessera/service-kit'
import { disputeDecider, disputeStreamId, panelDue } from '../domain/dispute/dispute.decider.ts'
import type { DisputeState } from '../domain/dispute/dispute.state.ts'
import { evidenceHash, evidencePackage } from '../domain/dispute/evidence.ts'
import { SYSTEM_PROMPT, userPrompt } from '../domain/dispute/prompt.ts'
import { type Judge, judgeOf } from '../judges/judge.ts'
import { seat, sitPanel } from '../judges/panel.ts'
import type { JuryEnv } from '../jury.env.ts'
import {
  findCompletionOf,
  findRoomExcerptOf,
  findPactOf,
  panelSizeOf,
} from './disputes.repository.ts'

const QUEUE = 'jury-panel'
const MAX_RETRY_SECONDS = 86_400

/** A panel due: the round and the attempt it would be, so a stale job decides nothing. */
export interface PanelJob {
  disputeId: string
  round: number
  attempt: number
}

/**
 * Convenes panels. Every fact that makes one due schedules it in its own transaction (the
 * response window's end, an answer, a missed quorum's retry, an appeal) through service-kit's
 * DurableScheduler (pg-boss); at the time, the job assembles the evidence, asks every seat,
 * and appends `PanelSat` with `VerdictReached` or `QuorumMissed`. The job names its round and
 * attempt: run twice, or after a restart, or after another replica sat that attempt, it
 * decides nothing.
 */
@Injectable()
export class JuryPanels implements ServiceWorker {
  private readonly scheduler: DurableScheduler
  private readonly judges: Judge[]
  private readonly appealJudges: Judge[]

  constructor(
    @Inject(CONFIG) private readonly config: JuryEnv,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(DB) private readonly db: SchemaDb,
  ) {
    this.judges = config.JURY_JUDGES.map((c) => judgeOf(c))
    this.appealJudges = (config.JURY_APPEAL_JUDGES ?? config.JURY_JUDGES).map((c) => judgeOf(c))
    this.scheduler = new DurableScheduler({
      connectionString: config.DATABASE_URL,
      serviceSchema: schema,
      log: logger,
      pollingIntervalSeconds: config.JURY_SCHEDULER_POLL_SECONDS,
    }).on<PanelJob>(QUEUE, (job) => this.convene(job), {
      concurrency: config.JURY_PANEL_CONCURRENCY,
    })
  }

  start() {
    return this.scheduler.start()
  }

  stop() {
    return this.scheduler.stop()
  }

  /** Schedules the panel each of these events makes due, in their transaction. */
  async schedule(tx: SchemaTx, events: readonly Envelope[]) {
    for (const e of events) {
      const d = e.data as Record<string, unknown> & { disputeId: string }
      const at = (iso: unknown) => new Date(iso as string)
      const job = (round: number, attempt: number, when: Date) =>
        this.scheduler.scheduleAt<PanelJob>(
          tx,
          QUEUE,
          { disputeId: d.disputeId, round, attempt },
          when,
        )
      if (e.type === 'DisputeReceived') await job(1, 1, at(d['respondBy']))
      if (e.type === 'DisputeResponded') await job(1, 1, at(d['respondedAt']))
      if (e.type === 'AppealFiled') await job(2, 1, at(d['filedAt']))
      if (e.type === 'QuorumMissed') {
        await job(d['round'] as number, (d['attempt'] as number) + 1, at(d['retryAt']))
      }
    }
  }

  /** Sits the panel a job names, if it is still due. */
  async convene(job: PanelJob): Promise<void> {
    const stream = disputeStreamId(job.disputeId)
    const state = (await this.log.read(stream))
      .map((e) => disputeDecider.parse(e))
      .reduce(disputeDecider.evolve, disputeDecider.initialState())
    const now = new Date()
    if (
      !state.received ||
      state.round !== job.round ||
      state.panels.length + 1 !== job.attempt ||
      !panelDue(state, now)
    )
      return
    const evidence = await this.evidenceOf(state)
    const prompt = { system: SYSTEM_PROMPT, user: userPrompt(evidence) }
    const seats = await this.seatsOf(state)
    const ballots = await sitPanel(seats, prompt, evidence, {
      timeoutMs: this.config.JURY_JUDGE_TIMEOUT_MS,
      retries: this.config.JURY_JUDGE_RETRIES,
    })
    const retryAfterSeconds = Math.min(
      MAX_RETRY_SECONDS,
      this.config.JURY_RETRY_SECONDS * 2 ** (job.attempt - 1),
    )
    try {
      await this.db.transaction().execute(async (tx) => {
        const stored = await this.log.handle(
          stream,
          disputeDecider,
          {
            type: 'RecordPanel',
            round: job.round,
            attempt: job.attempt,
            evidence,
            evidenceHash: evidenceHash(evidence),
            prompt,
            ballots,
            quorum: this.config.JURY_QUORUM,
            now: new Date(),
            retryAfterSeconds,
            appealWindowSeconds: this.config.JURY_APPEAL_WINDOW_SECONDS,
          },
          { actor: { kind: 'system', id: 'jury-panel' } },
          tx,
        )
        await this.schedule(tx, stored)
      })
    } catch (err) {
      // another replica, or a second job, sat this attempt first: its panel stands
      if (err instanceof ConcurrencyError) return
      throw err
    }
    this.logger.info(
      { disputeId: job.disputeId, round: job.round, attempt: job.attempt },
      'panel sat',
    )
  }

  private async evidenceOf(state: DisputeState) {
    const d = state.received!
    const first = state.verdicts.find((v) => v.round === 1)
    return evidencePackage({
      disputeId: d.disputeId,
      escrowId: d.escrowId,
      claimant: d.claimant,
      disputedBy: d.disputedBy,
      reason: d.reason,
      evidence: d.evidence,
      amount: d.amount,
      response: state.response
        ? {
            party: state.response.party,
            text: state.response.response,
            evidence: state.response.evidence,
          }
        : null,
      pact: await findPactOf(this.db, this.schema, d.pactId),
      completion: await findCompletionOf(this.db, this.schema, d.escrowId),
      roomExcerpt: await findRoomExcerptOf(this.db, this.schema, d.pactId),
      appeal:
        state.appeal && first
          ? {
              party: state.appeal.party,
              reason: state.appeal.reason,
              firstVerdict: first.releasePercentage,
            }
          : undefined,
    })
  }

  /** n seats in round 1 (the parties' policies, at least the quorum); 2n+1 on appeal. */
  private async seatsOf(state: DisputeState) {
    const d = state.received!
    const first = state.verdicts.find((v) => v.round === 1)
    if (state.round === 2 && first) return seat(this.appealJudges, 2 * first.judges.length + 1)
    const n = await panelSizeOf(this.db, this.schema, [d.buyer.orgId, d.seller.orgId])
    return seat(this.judges, Math.max(n, this.config.JURY_QUORUM))
  }
}
