import { PLATFORM_ACCOUNTS } from './ledger.accounts.ts'
import type { TransferInput } from './ledger.types.ts'

/**
 * Where money enters and leaves the ledger. A rail owns one ledger account (its "outside"),
 * which has no balance flags: its debits less its credits are what the rail has brought in.
 * A rail turns what happened outside into ledger transfers; the caller posts them in the
 * transaction that records the event (docs/ledger.md says how an on-chain USDC rail and an
 * x402 auth-capture facilitator map onto this).
 */
export interface Rail {
  readonly name: 'internal'
  readonly accountId: string
  /** Money arrived for `accountId`: one posting from the rail's account. */
  deposit(d: { transferId: string; accountId: string; amount: bigint }): TransferInput[]
  /**
   * Money is to leave `accountId`: reserved now (a pending transfer to the rail's account),
   * posted when the rail confirms it left, voided when it failed.
   */
  reserveWithdrawal(w: { transferId: string; accountId: string; amount: bigint }): TransferInput[]
}

/** The default rail: the ledger itself. A deposit is an admin's credit, for demos and tests. */
export const internalRail: Rail = {
  name: 'internal',
  accountId: PLATFORM_ACCOUNTS.railInternal,
  deposit: ({ transferId, accountId, amount }) => [
    {
      id: transferId,
      kind: 'single_phase',
      debitAccountId: PLATFORM_ACCOUNTS.railInternal,
      creditAccountId: accountId,
      amount,
      code: 'deposit',
    },
  ],
  reserveWithdrawal: ({ transferId, accountId, amount }) => [
    {
      id: transferId,
      kind: 'pending',
      debitAccountId: accountId,
      creditAccountId: PLATFORM_ACCOUNTS.railInternal,
      amount,
      code: 'withdrawal',
    },
  ],
}
