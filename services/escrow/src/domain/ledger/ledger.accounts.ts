import type { AccountFlags } from './ledger.types.ts'

/**
 * The platform's accounts, opened by the ledger migration. No org reads them.
 * - `rail_internal`: where deposits come from and withdrawals go to on the internal rail; its
 *   debits less its credits are the money the rail has brought in. No flags: it goes "negative".
 * - `platform_escrow`: holds what escrows have posted until it is paid out (release, split).
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
