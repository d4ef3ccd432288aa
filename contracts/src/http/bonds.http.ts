import { z } from 'zod'
import { AgentId } from '../events/guardian.events.ts'
import { AmountFields, IdempotencyKey, exactAmount } from './ledger.http.ts'

// Bonds (`/v1/bonds`): an agent's locked stake, whose amount sets its tier (docs/bonds.md).
// Money is µUSDC as a decimal string, never a JSON number.

/**
 * `POST /v1/bonds` (the agent's org, admin or member): move `amount` (µUSDC) or `amountUsdc`
 * from the agent's wallet into its bond. A top-up adds to the bond. `transferId` makes a retry
 * harmless: the same id and amount bond once.
 */
export const PostBondBody = z
  .strictObject({
    agentId: AgentId,
    ...AmountFields,
    transferId: IdempotencyKey.optional(),
  })
  .transform((b, ctx) => ({
    agentId: b.agentId,
    amount: exactAmount(b, ctx),
    transferId: b.transferId,
  }))
export type PostBondRequest = z.input<typeof PostBondBody>

/**
 * `POST /v1/bonds/:agentId/withdrawals` (the agent's org admin): move `amount` or `amountUsdc`
 * from the bond back to the wallet, under the rules of docs/bonds.md. `transferId` as a post's.
 */
export const WithdrawBondBody = z
  .strictObject({ ...AmountFields, transferId: IdempotencyKey.optional() })
  .transform((b, ctx) => ({ amount: exactAmount(b, ctx), transferId: b.transferId }))
export type WithdrawBondRequest = z.input<typeof WithdrawBondBody>

/** One slash: what it took, under which rule, and the breaches it spent. */
export interface BondSlash {
  amount: string
  rule: string
  escrowIds: string[]
  transferId: string | null
  slashedAt: string
}

/** A missed deadline counted against the bond; `spent` once a slash used it. */
export interface BondStrike {
  escrowId: string
  pactId: string
  missedAt: string
  spent: boolean
}

/** `GET /v1/bonds/:agentId`: the agent's bond, tier and slashing history. */
export interface Bond {
  agentId: string
  /** The ledger account that holds it (`bond_<agentId>`); its statement is under /v1/accounts. */
  accountId: string
  /** µUSDC bonded now. */
  amount: string
  /** 0 (none) to 4, from the amount at the thresholds of docs/bonds.md. */
  tier: number
  /** µUSDC slashed over the bond's life. */
  slashedTotal: string
  slashes: BondSlash[]
  strikes: BondStrike[]
}

/** What a post or withdrawal answers: the bond after it, and whether this call moved money. */
export interface PostBondResult {
  transferId: string
  /** The `BondPosted` or `BondWithdrawn` event (for a retried `transferId`, the original one's). */
  eventId: string
  /** False when `transferId` had been bonded before: nothing moved this time. */
  created: boolean
  bond: Bond
}
