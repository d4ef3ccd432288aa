import { Inject, Injectable } from '@nestjs/common'
import type { Escrow, EscrowVerification } from '@tessera/contracts'
import type { SchemaDb, SchemaTx } from '@tessera/event-store'
import {
  ApiError,
  type AuthContext,
  DB,
  NotFound,
  SERVICE_SCHEMA,
  apiKeyActor,
  newId,
} from '@tessera/service-kit'
import type { EscrowCommand } from '../domain/escrow/escrow.decider.ts'
import { lockTransferId } from '../domain/escrow/escrow.postings.ts'
import { retryOnConflict } from '../ledger/ledger.service.ts'
import { EscrowCommands } from './escrow-commands.ts'
import { EscrowDeadlines } from './escrow-deadlines.ts'
import { completionFacts, findEscrow, pactForCreate } from './escrows.repository.ts'

type Input<T extends 'CreateEscrow' | 'SubmitCompletion' | 'OpenDispute' | 'SettleMutually'> =
  Extract<EscrowCommand, { type: T }>['input']

/**
 * The lifecycle's shell: loads the facts a command needs (the pact from PACTS, the escrow's
 * parties), runs it through {@link EscrowCommands} and schedules what its events call for, in
 * one transaction. Every rule is the decider's.
 */
@Injectable()
export class EscrowsService {
  constructor(
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
    @Inject(EscrowCommands) private readonly commands: EscrowCommands,
    @Inject(EscrowDeadlines) private readonly deadlines: EscrowDeadlines,
  ) {}

  async create(auth: AuthContext, input: Input<'CreateEscrow'>): Promise<Escrow> {
    const escrowId = newId('esc')
    await this.run(auth, escrowId, async (tx) => {
      const { pact, existing } = await pactForCreate(tx, this.schema, input.pactId)
      if (existing) {
        throw new ApiError(409, 'ESCROW_EXISTS', `pact ${input.pactId} already has an escrow`)
      }
      return {
        type: 'CreateEscrow',
        escrowId,
        callerOrgId: auth.orgId,
        now: new Date(),
        transferId: lockTransferId(escrowId),
        pact,
        input,
      }
    })
    return this.get(auth, escrowId)
  }

  async get(auth: AuthContext, escrowId: string): Promise<Escrow> {
    const escrow = await findEscrow(this.db, this.schema, auth.orgId, escrowId)
    if (!escrow) throw NotFound('escrow', escrowId)
    return escrow
  }

  /** The seller's check before working: the lock exists, for this pact, for enough money. */
  async verify(
    auth: AuthContext,
    escrowId: string,
    input: { expectedPactId: string; expectedAmount?: string; minAmount?: string },
  ): Promise<EscrowVerification> {
    const e = await this.get(auth, escrowId)
    if (e.pactId !== input.expectedPactId) {
      throw new ApiError(409, 'PACT_MISMATCH', `escrow ${escrowId} is for pact ${e.pactId}`)
    }
    const amount = BigInt(e.amount)
    if (
      (input.expectedAmount !== undefined && amount !== BigInt(input.expectedAmount)) ||
      (input.minAmount !== undefined && amount < BigInt(input.minAmount))
    ) {
      throw new ApiError(409, 'AMOUNT_MISMATCH', `escrow ${escrowId} holds ${e.amount} µUSDC`)
    }
    return {
      status: e.status,
      conditionHash: e.conditionHash,
      amount: e.amount,
      pactId: e.pactId,
      deadlineUtc: e.deadlineUtc,
    }
  }

  async submitCompletion(
    auth: AuthContext,
    escrowId: string,
    input: Input<'SubmitCompletion'>,
  ): Promise<Escrow> {
    // the escrow (a 404 for another org), its pact and its seller's revocation in one read
    await this.run(auth, escrowId, async (tx) => {
      const facts = await completionFacts(tx, this.schema, auth.orgId, escrowId)
      if (!facts) throw NotFound('escrow', escrowId)
      return {
        type: 'SubmitCompletion',
        callerOrgId: auth.orgId,
        now: new Date(),
        disputeId: newId('dsp'),
        pact: facts.pact!,
        sellerRevoked: facts.sellerRevoked,
        input,
      }
    })
    return this.get(auth, escrowId)
  }

  async dispute(auth: AuthContext, escrowId: string, input: Input<'OpenDispute'>): Promise<Escrow> {
    await this.get(auth, escrowId)
    await this.run(auth, escrowId, () =>
      Promise.resolve({
        type: 'OpenDispute',
        callerOrgId: auth.orgId,
        now: new Date(),
        disputeId: newId('dsp'),
        input,
      }),
    )
    return this.get(auth, escrowId)
  }

  async settle(
    auth: AuthContext,
    escrowId: string,
    input: Input<'SettleMutually'>,
  ): Promise<Escrow> {
    await this.get(auth, escrowId)
    await this.run(auth, escrowId, () =>
      Promise.resolve({ type: 'SettleMutually', callerOrgId: auth.orgId, now: new Date(), input }),
    )
    return this.get(auth, escrowId)
  }

  private run(
    auth: AuthContext,
    escrowId: string,
    command: (tx: SchemaTx) => Promise<EscrowCommand>,
  ): Promise<void> {
    return retryOnConflict(() =>
      this.db.transaction().execute(async (tx) => {
        await this.commands.run(tx, escrowId, await command(tx), apiKeyActor(auth), (stored) =>
          this.deadlines.schedule(tx, stored),
        )
      }),
    ).catch((err: unknown) => {
      // two creates for one pact at once: the loser meets `escrows`' unique pact id
      if ((err as { code?: string }).code === '23505') {
        throw new ApiError(409, 'ESCROW_EXISTS', 'the pact already has an escrow')
      }
      throw err
    })
  }
}
