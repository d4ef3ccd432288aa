import type { AccountFlags } from './ledger.types.ts'

/**
 * The platform's accounts, opened by the ledger migration. No org reads them.
 * - `rail_internal`: where deposits come from and withdrawals go to on the internal rail; its
 *   debits less its credits are the money the rail has brought in. No flags: it goes "negative".
 * - `platform_escrow`: unused since each escrow holds its money in an account of its own
 *   ({@link escrowAccountId}); kept because the migration opened it.
 * - `platform_fees`: the 0.5% release fee and the 1% arbitration fee.
 * - `platform_slashed_bonds`: what slashing takes from bonds.
 */
export const PLATFORM_ACCOUNTS = {
  railInternal: 'rail_internal',
  escrow: 'platform_escrow',
  fees: 'platform_fees',
  slashedBonds: 'platform_slashed_bonds',
} as const

/** An agent's or org's wallet: it can never spend more than it was credited. */
export const WALLET_FLAGS: AccountFlags = {
  debitsMustNotExceedCredits: true,
  creditsMustNotExceedDebits: false,
}

/** An agent's wallet id: `acct_` and the agent id (`agt_…` → `acct_agt_…`), one per agent. */
export const agentAccountId = (agentId: string): string => `acct_${agentId}`

/**
 * An escrow's holding account (`escrow_esc_…`), opened with its lock: the lock credits it and
 * the release or split pays out of it. One per escrow, so locks and releases of different
 * escrows share no account row (a single shared one serialised them all); a platform account,
 * no org reads it, and it can never pay out more than was posted into it.
 */
export const escrowAccountId = (escrowId: string): string => `escrow_${escrowId}`

/** The flags of an escrow's holding account. */
export const HOLDING_FLAGS: AccountFlags = WALLET_FLAGS
