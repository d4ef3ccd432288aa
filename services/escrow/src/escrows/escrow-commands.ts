import { Inject, Injectable } from '@nestjs/common'
import { v7 as uuidv7 } from 'uuid'
import type { EscrowCreated, Envelope } from '@tessera/contracts'
import type { AppendContext, SchemaTx } from '@tessera/event-store'
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
import { newAccount } from '../domain/ledger/ledger.model.ts'
import { createTransfersPg, openAccounts } from '../ledger/pg-ledger.ts'

/**
 * Runs one escrow command in the caller's transaction: folds the stream, decides, appends at
 * the version it read (with ids chosen beforehand), runs `then` (scheduling), and posts what
 * each new event stands for in the ledger, stamped with that event's id. A refusal, a ledger
 * refusal or a concurrent writer rolls all of it back, so money moves if and only if its event
 * is in the log. The postings come last because they lock their accounts until the commit.
 * Each escrow's money sits in a holding account of its own, opened with the lock, so escrows
 * of different buyers share no account row but `platform_fees` on release.
 */
@Injectable()
export class EscrowCommands {
  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
  ) {}

  async run(
    tx: SchemaTx,
    escrowId: string,
    command: EscrowCommand,
    ctx: AppendContext,
    then?: (stored: Envelope[]) => Promise<void>,
  ): Promise<Envelope[]> {
    const streamId = escrowStreamId(escrowId)
    // A create's escrow id was drawn just now: its stream is new, and `no_stream` below says so.
    const history = command.type === 'CreateEscrow' ? [] : await this.log.read(streamId, tx)
    const state = history
      .map((e) => escrowDecider.parse(e))
      .reduce(escrowDecider.evolve, escrowDecider.initialState())
    let events: EscrowEvent[]
    try {
      events = escrowDecider.decide(command, state)
    } catch (err) {
      if (err instanceof EscrowRefused) throw new ApiError(err.status, err.code, err.message)
      throw err
    }
    if (events.length === 0) return []
    const eventIds = events.map(() => uuidv7())
    const created = (state.created ?? events[0]!.data) as EscrowCreated
    let next = 0
    const stored = await this.log.append(
      streamId,
      history.at(-1)?.metadata.streamVersion ?? 'no_stream',
      events,
      { ...ctx, newId: () => eventIds[next++]! },
      tx,
    )
    await then?.(stored)
    if (events.some((e) => e.type === 'EscrowCreated')) {
      const holding = newAccount(escrowAccountId(escrowId), 'platform', null, HOLDING_FLAGS)
      await openAccounts(tx, this.schema, [holding], command.now)
    }
    // Last: the postings lock their accounts (the buyer's wallet, platform_fees) until the commit.
    for (const [i, event] of events.entries()) {
      await this.post(tx, postingsFor(event, created), eventIds[i]!, event.type)
    }
    return stored
  }

  private async post(
    tx: SchemaTx,
    postings: ReturnType<typeof postingsFor>,
    eventId: string,
    type: string,
  ) {
    if (postings.length === 0) return
    const { results } = await createTransfersPg(tx, this.schema, postings, {
      now: new Date(),
      eventId,
    })
    const failed = results.findIndex(
      (r) => r !== 'ok' && r !== 'exists' && r !== 'linked_event_failed',
    )
    if (failed < 0) return
    const result = results[failed] as Exclude<(typeof results)[number], 'ok' | 'exists'>
    if (type === 'EscrowCreated' && result === 'exceeds_credits') {
      throw new ApiError(409, 'INSUFFICIENT_FUNDS', "the buyer's wallet cannot cover the amount")
    }
    throw ledgerRefusal(result, postings[failed]!.id)
  }
}
