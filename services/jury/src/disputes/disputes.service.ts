import { Inject, Injectable } from '@nestjs/common'
import type {
  Dispute,
  DisputeRecord,
  DisputeStatus,
  JudgeRecord,
  Page,
  PanelSat,
} from '@tessera/contracts'
import type { SchemaDb } from '@tessera/event-store'
import {
  ApiError,
  type AuthContext,
  CONFIG,
  DB,
  EVENT_LOG,
  type EventLog,
  NotFound,
  type PageCursor,
  SERVICE_SCHEMA,
  apiKeyActor,
} from '@tessera/service-kit'
import { recordHash, roundRecord } from '../domain/dispute/dispute-record.ts'
import {
  type DisputeCommand,
  disputeDecider,
  disputeStreamId,
} from '../domain/dispute/dispute.decider.ts'
import * as E from '../domain/dispute/dispute.errors.ts'
import type { JuryEnv } from '../jury.env.ts'
import { findDispute, judgeRecords, listDisputes } from './disputes.repository.ts'
import { JuryPanels } from './jury-panels.worker.ts'

const STATUS = new Map<abstract new (...args: never[]) => Error & { code: string }, number>([
  [E.NotRespondent, 403],
  [E.ResponseWindowClosed, 409],
  [E.AlreadyResponded, 409],
  [E.NotAppealable, 409],
  [E.AppealWindowClosed, 409],
  [E.AlreadyAppealed, 409],
])

/** A domain refusal as the API answers it; anything else is rethrown as it is. */
function toApiError(err: unknown, disputeId: string): unknown {
  if (err instanceof E.DisputeNotFound) return NotFound('dispute', disputeId)
  for (const [type, status] of STATUS) {
    if (err instanceof type) return new ApiError(status, err.code, err.message)
  }
  return err
}

/** Loads what each dispute command needs, decides and appends; the rules are the decider's. */
@Injectable()
export class DisputesService {
  constructor(
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
    @Inject(CONFIG) private readonly config: JuryEnv,
    @Inject(JuryPanels) private readonly panels: JuryPanels,
  ) {}

  async respond(
    auth: AuthContext,
    disputeId: string,
    body: { response: string; evidence: unknown[] },
  ): Promise<Dispute> {
    await this.run(auth, disputeId, {
      type: 'RespondToDispute',
      callerOrgId: auth.orgId,
      response: body.response,
      evidence: body.evidence,
      now: new Date(),
    })
    return this.get(auth, disputeId)
  }

  async appeal(auth: AuthContext, disputeId: string, body: { reason: string }): Promise<Dispute> {
    const d = await this.get(auth, disputeId)
    const fee = (BigInt(d.amount) * BigInt(this.config.JURY_APPEAL_FEE_BPS)) / 10_000n
    await this.run(auth, disputeId, {
      type: 'FileAppeal',
      callerOrgId: auth.orgId,
      reason: body.reason,
      fee: fee.toString(),
      now: new Date(),
    })
    return this.get(auth, disputeId)
  }

  async get(auth: AuthContext, disputeId: string): Promise<Dispute> {
    const d = await findDispute(this.db, this.schema, auth.orgId, disputeId)
    if (!d) throw NotFound('dispute', disputeId)
    return d
  }

  list(
    auth: AuthContext,
    q: { limit: number; cursor?: PageCursor | undefined; status?: DisputeStatus | undefined },
  ): Promise<Page<Dispute>> {
    return listDisputes(this.db, this.schema, auth.orgId, { ...q, after: q.cursor })
  }

  /** Every round's audit record, each with the hash its verdict carries. */
  async record(auth: AuthContext, disputeId: string): Promise<DisputeRecord> {
    const d = await this.get(auth, disputeId)
    const events = (await this.log.read(disputeStreamId(disputeId))).map((e) =>
      disputeDecider.parse(e),
    )
    const panels = events.flatMap((e) => (e.type === 'PanelSat' ? [e.data] : []))
    const verdicts = events.flatMap((e) => (e.type === 'VerdictReached' ? [e.data] : []))
    const rounds = [1, 2].flatMap((round) => {
      const of: PanelSat[] = panels.filter((p) => p.round === round)
      if (of.length === 0) return []
      const r = roundRecord(d, round, of)
      const verdict = verdicts.find((v) => v.round === round)
      // the hash the verdict carries is recomputed here, so a reader can check both agree
      return [{ ...r, recordHash: verdict ? recordHash(r) : null }]
    })
    return { disputeId, rounds }
  }

  judges(auth: AuthContext): Promise<JudgeRecord[]> {
    return judgeRecords(this.db, this.schema, auth.orgId)
  }

  private async run(auth: AuthContext, disputeId: string, command: DisputeCommand) {
    await this.db
      .transaction()
      .execute(async (tx) => {
        // another org's dispute is a 404 like an unknown one, before the decider sees it
        if (!(await findDispute(tx, this.schema, auth.orgId, disputeId))) {
          throw new E.DisputeNotFound('dispute not found')
        }
        const stored = await this.log.handle(
          disputeStreamId(disputeId),
          disputeDecider,
          command,
          apiKeyActor(auth),
          tx,
        )
        await this.panels.schedule(tx, stored)
      })
      .catch((err: unknown) => {
        throw toApiError(err, disputeId)
      })
  }
}
