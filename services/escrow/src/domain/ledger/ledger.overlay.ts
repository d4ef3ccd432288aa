import type {
  Account,
  Balances,
  BatchEffects,
  LedgerState,
  PendingStatus,
  Posting,
  Transfer,
} from './ledger.types.ts'

/** Copy-on-write view of the state, so a failed chain leaves nothing behind. */
export class Overlay {
  private readonly accounts = new Map<string, Account>()
  private readonly transfers = new Map<string, Transfer>()
  private readonly postings: Posting[] = []
  private readonly resolved = new Map<string, PendingStatus>()

  constructor(private readonly base: LedgerState) {}

  account(id: string): Account | undefined {
    return this.accounts.get(id) ?? this.base.accounts.get(id)
  }
  transfer(id: string): Transfer | undefined {
    return this.transfers.get(id) ?? this.base.transfers.get(id)
  }
  put(a: Account) {
    this.accounts.set(a.id, a)
  }
  record(
    t: Omit<Transfer, 'status' | 'code' | 'linked' | 'at'>,
    rest: Pick<Transfer, 'status' | 'code' | 'linked' | 'at'>,
    resolves?: PendingStatus,
  ) {
    const transfer: Transfer = { ...t, ...rest }
    this.transfers.set(transfer.id, transfer)
    if (resolves && transfer.pendingId) {
      this.transfers.set(transfer.pendingId, {
        ...this.transfer(transfer.pendingId)!,
        status: resolves,
      })
      this.resolved.set(transfer.pendingId, resolves)
    }
    this.postings.push({
      transfer,
      debitAfter: balances(this.account(transfer.debitAccountId)!),
      creditAfter: balances(this.account(transfer.creditAccountId)!),
    })
  }
  commit(into: BatchEffects) {
    for (const [id, a] of this.accounts) {
      this.base.accounts.set(id, a)
      into.accounts.set(id, a)
    }
    for (const [id, t] of this.transfers) this.base.transfers.set(id, t)
    for (const [id, s] of this.resolved) into.resolved.set(id, s)
    into.postings.push(...this.postings)
  }
}

function balances(a: Account): Balances {
  return {
    debitsPending: a.debitsPending,
    debitsPosted: a.debitsPosted,
    creditsPending: a.creditsPending,
    creditsPosted: a.creditsPosted,
  }
}
