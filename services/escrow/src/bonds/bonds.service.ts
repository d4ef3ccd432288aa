import { Inject, Injectable } from '@nestjs/common'
import { v7 as uuidv7 } from 'uuid'
import type { Bond, PostBondResult } from '@tessera/contracts'
import type { AppendContext, SchemaDb, SchemaTx } from '@tessera/event-store'
import {
  ApiError,
  type AuthContext,
  DB,
  EVENT_LOG,
  type EventLog,
  NotFound,
  SERVICE_SCHEMA,
  apiKeyActor,
  newId,
} from '@tessera/service-kit'
import {
  BondAgentNotFound,
  BondAmountInvalid,
  type BondCommand,
  BondInsufficientFunds,
  BondWithdrawalRefused,
  type WalletFacts,
  bondDecider,
  bondStreamId,
} from '../domain/bond/bond.decider.ts'
import {
  bondAccount,
  bondAccountId,
  bondMovement,
  bondTransfers,
} from '../domain/bond/bond.ledger.ts'
import type { BondState } from '../domain/bond/bond.state.ts'
import { ledgerRefusal, retryOnConflict } from '../ledger/ledger.service.ts'
import { transferEventId } from '../ledger/ledger.repository.ts'
import { LedgerConflict, createTransfersPg, openAccounts } from '../ledger/pg-ledger.ts'
import { openEscrowsAsSeller, walletFacts } from './bonds.repository.ts'

interface BondMovementInput {
  agentId: string
  amount: string
  transferId?: string | undefined
}

/**
 * Bonds: posts from the API, strikes and slashes from escrow's own `DeadlineMissed`. Each
 * command's postings and events commit in one transaction, postings first (docs/ledger.md),
 * and every posting carries the id of the event that caused it.
 */
@Injectable()
export class BondsService {
  constructor(
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
  ) {}

  /** Wallet → bond; the tier follows the total. */
  post(auth: AuthContext, input: BondMovementInput): Promise<PostBondResult> {
    return this.move(auth, 'post', input, async (tx, wallet, transferId, now) => {
      await openAccounts(tx, this.schema, [bondAccount(input.agentId, wallet.orgId)], now)
      return {
        type: 'PostBond',
        agentId: input.agentId,
        orgId: auth.orgId,
        amount: BigInt(input.amount),
        wallet,
        transferId,
        now: now.toISOString(),
      }
    })
  }

  /** Bond → wallet, under the withdrawal rules of docs/bonds.md. */
  withdraw(auth: AuthContext, input: BondMovementInput): Promise<PostBondResult> {
    return this.move(auth, 'withdrawal', input, async (tx, wallet, transferId, now) => ({
      type: 'WithdrawBond',
      agentId: input.agentId,
      orgId: auth.orgId,
      amount: BigInt(input.amount),
      wallet,
      openEscrowsAsSeller: await openEscrowsAsSeller(tx, this.schema, input.agentId),
      transferId,
      now: now.toISOString(),
    }))
  }

  /**
   * One movement between wallet and bond, in one transaction. A retried `transferId` replays
   * its transfer, so the ledger says whether it is the same one (nothing moves) or another.
   */
  private async move(
    auth: AuthContext,
    direction: 'post' | 'withdrawal',
    input: BondMovementInput,
    commandOf: (tx: SchemaTx, wallet: WalletFacts, id: string, now: Date) => Promise<BondCommand>,
  ): Promise<PostBondResult> {
    const { agentId } = input
    // Scoped by the bond account, so one org's idempotency keys never meet another's.
    const transferId = `${bondAccountId(agentId)}:${input.transferId ?? newId('bnd')}`
    const outcome = await retryOnConflict(() =>
      this.db.transaction().execute(async (tx) => {
        const wallet = await walletFacts(tx, this.schema, agentId)
        if (!wallet || wallet.orgId !== auth.orgId) throw NotFound('agent', agentId)
        const now = new Date()
        if (await transferEventId(tx, this.schema, transferId)) {
          const again = bondMovement(direction, agentId, BigInt(input.amount), transferId)
          const [result] = (await createTransfersPg(tx, this.schema, [again], { now })).results
          if (result !== 'exists') {
            throw ledgerRefusal(result as 'exists_with_different_fields', transferId)
          }
          return { created: false, eventId: await transferEventId(tx, this.schema, transferId) }
        }
        const command = await commandOf(tx, wallet, transferId, now)
        const ids = await this.run(tx, agentId, command, apiKeyActor(auth))
        return { created: true, eventId: ids[0] ?? null }
      }),
    )
    return {
      transferId,
      eventId: outcome.eventId ?? '',
      created: outcome.created,
      bond: await this.get(auth, agentId),
    }
  }

  async get(auth: AuthContext, agentId: string): Promise<Bond> {
    const wallet = await walletFacts(this.db, this.schema, agentId)
    if (!wallet || wallet.orgId !== auth.orgId) throw NotFound('bond', agentId)
    return bondView(agentId, await this.state(agentId))
  }

  /** One `DeadlineMissed` of escrow's log, in the consumer's transaction: counted once. */
  async countMissedDeadline(
    tx: SchemaTx,
    missed: { sellerAgentId: string; escrowId: string; pactId: string; missedAt: string },
    ctx: AppendContext,
  ): Promise<void> {
    const agentId = missed.sellerAgentId
    await this.run(
      tx,
      agentId,
      {
        type: 'CountMissedDeadline',
        agentId,
        escrowId: missed.escrowId,
        pactId: missed.pactId,
        missedAt: missed.missedAt,
        transferId: `${bondAccountId(agentId)}:slash:${missed.escrowId}`,
      },
      ctx,
    )
  }

  /**
   * Folds the bond's stream, decides, posts what the events record and appends them at the
   * version read: a concurrent command on the same bond fails here and is retried whole.
   */
  private async run(
    tx: SchemaTx,
    agentId: string,
    command: BondCommand,
    ctx: AppendContext,
  ): Promise<string[]> {
    const streamId = bondStreamId(agentId)
    const history = await this.log.read(streamId, tx)
    const state = history
      .map((e) => bondDecider.parse(e))
      .reduce(bondDecider.evolve, bondDecider.initialState())
    let events
    try {
      events = bondDecider.decide(command, state)
    } catch (err) {
      throw bondRefusal(err, agentId)
    }
    if (events.length === 0) return []
    const ids = events.map(() => uuidv7())
    for (const [i, event] of events.entries()) {
      await this.postings(tx, bondTransfers(event), ids[i]!)
    }
    let next = 0
    const version = history.at(-1)?.metadata.streamVersion ?? 'no_stream'
    await this.log.append(streamId, version, events, { ...ctx, newId: () => ids[next++]! }, tx)
    return ids
  }

  private async postings(
    tx: SchemaTx,
    transfers: ReturnType<typeof bondTransfers>,
    eventId: string,
  ) {
    if (transfers.length === 0) return
    const { results } = await createTransfersPg(tx, this.schema, transfers, {
      now: new Date(),
      eventId,
    })
    for (const [i, result] of results.entries()) {
      if (result === 'ok') continue
      // A concurrent twin committed this transfer while we waited for its accounts: start
      // again, and the retry finds it (a post answers `created: false`).
      if (result === 'exists') throw new LedgerConflict(`${transfers[i]!.id} was just created`)
      if (result === 'exceeds_credits') throw insufficientFunds(transfers[i]!.id)
      throw ledgerRefusal(result, transfers[i]!.id)
    }
  }

  private async state(agentId: string): Promise<BondState> {
    const history = await this.log.read(bondStreamId(agentId))
    return history
      .map((e) => bondDecider.parse(e))
      .reduce(bondDecider.evolve, bondDecider.initialState())
  }
}

function bondView(agentId: string, s: BondState): Bond {
  return {
    agentId,
    accountId: bondAccountId(agentId),
    amount: String(s.total),
    tier: s.tier,
    slashedTotal: String(s.slashedTotal),
    slashes: s.slashes.map((x) => ({
      amount: x.amount,
      rule: x.rule,
      escrowIds: x.escrowIds ?? [],
      transferId: x.transferId ?? null,
      slashedAt: x.slashedAt,
    })),
    strikes: s.strikes.map(({ escrowId, pactId, missedAt, spent }) => ({
      escrowId,
      pactId,
      missedAt,
      spent,
    })),
  }
}

const insufficientFunds = (transferId: string) =>
  new ApiError(409, 'INSUFFICIENT_FUNDS', 'the wallet has too little available for this bond', {
    transferId,
  })

/** The decider's refusals as API errors, each with its stable code. */
function bondRefusal(err: unknown, agentId: string): unknown {
  if (err instanceof BondAgentNotFound) return NotFound('agent', agentId)
  if (err instanceof BondAmountInvalid) return new ApiError(400, err.code, err.message)
  if (err instanceof BondInsufficientFunds) return new ApiError(409, err.code, err.message)
  if (err instanceof BondWithdrawalRefused) return new ApiError(409, err.code, err.message)
  return err
}
