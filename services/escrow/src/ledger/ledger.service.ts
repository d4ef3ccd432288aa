import { Inject, Injectable } from '@nestjs/common'
import { v7 as uuidv7 } from 'uuid'
import type { AccountBalance, CreditResult, Statement } from '@tessera/contracts'
import { ConcurrencyError, type SchemaDb } from '@tessera/event-store'
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
import { accountStreamId } from '../domain/account/account.decider.ts'
import type { TransferResult } from '../domain/ledger/ledger.types.ts'
import { internalRail } from '../domain/ledger/rail.ts'
import { findAccount, listAccounts, statementLines, transferEventId } from './ledger.repository.ts'
import { LedgerConflict, createTransfersPg } from './pg-ledger.ts'

/** Balances, statements and the internal rail's credit. Every query is scoped to the caller's org. */
@Injectable()
export class LedgerService {
  constructor(
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
  ) {}

  list(auth: AuthContext): Promise<AccountBalance[]> {
    return listAccounts(this.db, this.schema, auth.orgId)
  }

  async get(auth: AuthContext, accountId: string): Promise<AccountBalance> {
    const account = await findAccount(this.db, this.schema, auth.orgId, accountId)
    if (!account) throw NotFound('account', accountId)
    return account
  }

  async statement(
    auth: AuthContext,
    accountId: string,
    page: { limit: number; afterSeq: bigint },
  ): Promise<Statement> {
    await this.get(auth, accountId)
    const rows = await statementLines(this.db, this.schema, accountId, page.afterSeq, page.limit)
    const items = rows.slice(0, page.limit)
    const last = items.at(-1)
    return {
      accountId,
      items: items.map((r) => r.line),
      nextCursor: rows.length > page.limit && last ? statementCursor(last.seq) : null,
    }
  }

  /**
   * Money in through the internal rail: the ledger posting and its `FundsDeposited` event
   * commit in one transaction, and the posting carries the event's id. A retried `transferId`
   * moves nothing and answers the original event.
   */
  async credit(
    auth: AuthContext,
    accountId: string,
    input: { amount: string; transferId?: string | undefined; reference?: string | undefined },
  ): Promise<CreditResult> {
    // Scoped by account, so one org's idempotency keys can never collide with another's.
    const transferId = `${accountId}:${input.transferId ?? newId('dep')}`
    const eventId = uuidv7()
    const created = await retryOnConflict(() =>
      this.db.transaction().execute(async (tx) => {
        if (!(await findAccount(tx, this.schema, auth.orgId, accountId))) {
          throw NotFound('account', accountId)
        }
        const amount = BigInt(input.amount)
        const { results } = await createTransfersPg(
          tx,
          this.schema,
          internalRail.deposit({ transferId, accountId, amount }),
          { now: new Date(), eventId },
        )
        const result = results[0]!
        if (result === 'exists') return false
        if (result !== 'ok') throw ledgerRefusal(result, transferId)
        await this.log.append(
          accountStreamId(accountId),
          'any',
          [
            {
              type: 'FundsDeposited',
              data: {
                accountId,
                orgId: auth.orgId,
                amount: input.amount,
                rail: internalRail.name,
                transferId,
                ...(input.reference ? { reference: input.reference } : {}),
              },
            },
          ],
          { ...apiKeyActor(auth), newId: () => eventId },
          tx,
        )
        return true
      }),
    )
    return {
      transferId,
      eventId: created
        ? eventId
        : ((await transferEventId(this.db, this.schema, transferId)) ?? ''),
      rail: internalRail.name,
      created,
      account: await this.get(auth, accountId),
    }
  }
}

/** A refused transfer as an API error: its ledger code, upper-cased, is the stable code. */
export function ledgerRefusal(
  result: Exclude<TransferResult, 'ok' | 'exists'>,
  transferId: string,
) {
  return new ApiError(
    409,
    result.toUpperCase(),
    `the ledger refused transfer ${transferId}: ${result}`,
    {
      transferId,
      result,
    },
  )
}

export const statementCursor = (seq: bigint) => Buffer.from(`seq:${seq}`).toString('base64url')

/**
 * Runs a transaction again when another writer got in first (the ledger's `LedgerConflict`,
 * the log's `ConcurrencyError`): both abort the transaction, and a retry sees the winner.
 */
export async function retryOnConflict<T>(run: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await run()
    } catch (err) {
      const conflict = err instanceof LedgerConflict || err instanceof ConcurrencyError
      if (!conflict || i >= attempts) throw err
    }
  }
}
