import { Inject, Injectable } from '@nestjs/common'
import type { EscrowCreated, Envelope } from '@tessera/contracts'
import { type AppendContext, ConcurrencyError, type SchemaTx } from '@tessera/event-store'
import { ApiError, EVENT_LOG, type EventLog, SERVICE_SCHEMA } from '@tessera/service-kit'
import {
  type EscrowCommand,
  escrowDecider,
  escrowStreamId,
} from '../domain/escrow/escrow.decider.ts'
import { EscrowRefused } from '../domain/escrow/escrow.errors.ts'
import { postingsFor } from '../domain/escrow/escrow.postings.ts'
import type { EscrowEvent } from '../domain/escrow/escrow.state.ts'
import { ledgerRefusal } from '../ledger/ledger.service.ts'
import { HOLDING_FLAGS, escrowAccountId } from '../domain/ledger/ledger.accounts.ts'
import type { TransferInput } from '../domain/ledger/ledger.types.ts'
import { newAccount } from '../domain/ledger/ledger.model.ts'
import { createTransfersPg, openAccounts } from '../ledger/pg-ledger.ts'

/** One command of a group: the escrow it is for, the command, and who gave it. */
export interface EscrowJob {
  escrowId: string
  command: EscrowCommand
  ctx: AppendContext
}

/** A job's result: the events it stored, or the refusal that kept it out of the write. */
export type EscrowJobOutcome = Envelope[] | ApiError

/**
 * Runs escrow commands in the caller's transaction: folds each stream, decides, appends at the
 * version it read, runs `then` (scheduling), and posts what each new event stands for in the
 * ledger, stamped with that event's id. A command the decider
 * refuses is left out and answered with its refusal. A ledger refusal or a concurrent writer
 * throws, which rolls all of it back, so money moves if and only if its event is in the log.
 * Several commands share one read, one append, one schedule insert and one ledger write: the
 * write of a group commit (`EscrowsService`); a group whose write throws is run again one
 * command at a time, where the throw is that command's answer. The postings come last
 * because they lock their accounts until the commit. Each escrow's money sits in a holding
 * account of its own, opened with the lock, so escrows of different buyers share no account
 * row but `platform_fees` on release.
 */
@Injectable()
export class EscrowCommands {
  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
  ) {}

  /** One command; a refusal throws. */
  async run(
    tx: SchemaTx,
    escrowId: string,
    command: EscrowCommand,
    ctx: AppendContext,
    then?: (stored: Envelope[]) => Promise<void>,
  ): Promise<Envelope[]> {
    const [outcome] = await this.runMany(tx, [{ escrowId, command, ctx }], then)
    if (outcome instanceof ApiError) throw outcome
    return outcome!
  }

  async runMany(
    tx: SchemaTx,
    jobs: readonly EscrowJob[],
    then?: (stored: Envelope[]) => Promise<void>,
  ): Promise<EscrowJobOutcome[]> {
    // Two commands for one escrow must see each other's events: they are run one at a time.
    const seen = new Set<string>()
    for (const { escrowId } of jobs) {
      if (seen.has(escrowId)) throw new ConcurrencyError(escrowStreamId(escrowId), 'any', undefined)
      seen.add(escrowId)
    }
    // A create's escrow id was drawn just now: its stream is new, and `no_stream` below says so.
    const histories = await this.log.readMany(
      jobs.filter((j) => j.command.type !== 'CreateEscrow').map((j) => escrowStreamId(j.escrowId)),
      tx,
    )
    const outcomes: EscrowJobOutcome[] = []
    const decided: {
      job: EscrowJob
      at: number
      events: EscrowEvent[]
      version: number
      created: EscrowCreated
    }[] = []
    for (const job of jobs) {
      const history = histories.get(escrowStreamId(job.escrowId)) ?? []
      const state = history
        .map((e) => escrowDecider.parse(e))
        .reduce(escrowDecider.evolve, escrowDecider.initialState())
      let events: EscrowEvent[]
      try {
        events = escrowDecider.decide(job.command, state)
      } catch (err) {
        if (!(err instanceof EscrowRefused)) throw err
        outcomes.push(new ApiError(err.status, err.code, err.message))
        continue
      }
      outcomes.push([])
      if (events.length === 0) continue
      decided.push({
        job,
        at: outcomes.length - 1,
        events,
        version: history.at(-1)?.metadata.streamVersion ?? 0,
        created: (state.created ?? events[0]!.data) as EscrowCreated,
      })
    }
    if (decided.length === 0) return outcomes
    const stored = await this.log.appendMany(
      decided.map((d) => ({
        streamId: escrowStreamId(d.job.escrowId),
        expected: d.version,
        events: d.events,
        ctx: d.job.ctx,
      })),
      tx,
    )
    decided.forEach((d, i) => (outcomes[d.at] = stored[i]!))
    await then?.(stored.flat())
    const opened = decided.filter((d) => d.events.some((e) => e.type === 'EscrowCreated'))
    await openAccounts(
      tx,
      this.schema,
      opened.map((d) =>
        newAccount(escrowAccountId(d.job.escrowId), 'platform', null, HOLDING_FLAGS),
      ),
      new Date(),
    )
    // Last: the postings lock their accounts (the buyer's wallet, platform_fees) until the commit.
    const postings = decided.flatMap((d, i) =>
      d.events.flatMap((event, k) =>
        postingsFor(event, d.created).map((posting) => ({
          posting,
          eventId: stored[i]![k]!.metadata.eventId,
          type: event.type,
        })),
      ),
    )
    await this.post(tx, postings)
    return outcomes
  }

  private async post(
    tx: SchemaTx,
    postings: { posting: TransferInput; eventId: string; type: string }[],
  ) {
    if (postings.length === 0) return
    const { results } = await createTransfersPg(
      tx,
      this.schema,
      postings.map((p) => p.posting),
      { now: new Date(), eventId: postings.map((p) => p.eventId) },
    )
    const failed = results.findIndex(
      (r) => r !== 'ok' && r !== 'exists' && r !== 'linked_event_failed',
    )
    if (failed < 0) return
    const result = results[failed] as Exclude<(typeof results)[number], 'ok' | 'exists'>
    const { posting, type } = postings[failed]!
    if (type === 'EscrowCreated' && result === 'exceeds_credits') {
      throw new ApiError(409, 'INSUFFICIENT_FUNDS', "the buyer's wallet cannot cover the amount")
    }
    throw ledgerRefusal(result, posting.id)
  }
}
