import { PLATFORM_ACCOUNTS, WALLET_FLAGS, agentAccountId } from '../ledger/ledger.accounts.ts'
import type { Account, TransferInput } from '../ledger/ledger.types.ts'
import type { BondEvent } from './bond.state.ts'

/**
 * Where a bond lives in the ledger: an account of its own per agent, `bond_<agentId>`, in the
 * agent's org. Posts move money into it, slashes out of it, each a posted transfer (docs/bonds.md
 * says why not a pending one). Its flags are a wallet's: it can never give more than it holds.
 */
export const bondAccountId = (agentId: string): string => `bond_${agentId}`

export function bondAccount(agentId: string, orgId: string): Account {
  return {
    id: bondAccountId(agentId),
    orgId,
    kind: 'bond',
    flags: WALLET_FLAGS,
    debitsPending: 0n,
    debitsPosted: 0n,
    creditsPending: 0n,
    creditsPosted: 0n,
  }
}

/** Money between the agent's wallet and its bond: a post (in) or a withdrawal (out). */
export function bondMovement(
  direction: 'post' | 'withdrawal',
  agentId: string,
  amount: bigint,
  transferId: string,
): TransferInput {
  const [wallet, bond] = [agentAccountId(agentId), bondAccountId(agentId)]
  return {
    id: transferId,
    kind: 'single_phase',
    debitAccountId: direction === 'post' ? wallet : bond,
    creditAccountId: direction === 'post' ? bond : wallet,
    amount,
    code: direction === 'post' ? 'bond_post' : 'bond_withdrawal',
  }
}

/** The postings a bond event records: one balanced transfer, or none. */
export function bondTransfers(event: BondEvent): TransferInput[] {
  switch (event.type) {
    case 'BondPosted': {
      const { agentId, amount, transferId } = event.data
      return [bondMovement('post', agentId, BigInt(amount), transferId ?? '')]
    }
    case 'BondWithdrawn': {
      const { agentId, amount, transferId } = event.data
      return [bondMovement('withdrawal', agentId, BigInt(amount), transferId)]
    }
    case 'BondSlashed':
      return [
        {
          id: event.data.transferId ?? '',
          kind: 'single_phase',
          debitAccountId: bondAccountId(event.data.agentId),
          creditAccountId: PLATFORM_ACCOUNTS.slashedBonds,
          amount: BigInt(event.data.amount),
          code: 'bond_slash',
        },
      ]
    case 'BondStrikeRecorded':
      return []
  }
}
