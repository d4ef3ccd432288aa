import { z } from 'zod'
import { MicroUnits } from '../events/tenancy.events.ts'

// The ledger API (`/v1/accounts`): balances, statements and the internal rail's admin credit.
// Money is µUSDC as a decimal string (1 USDC = 1 000 000), never a JSON number.

/** The most one credit may bring in: 10^15 µUSDC (one billion USDC). */
export const MAX_CREDIT_MICRO_UNITS = 10n ** 15n

/** `"12.5"` USDC → `"12500000"` µUSDC, exactly; undefined when it has more than 6 decimals. */
export function usdcToMicroUnits(usdc: string): string | undefined {
  const m = /^(\d{1,24})(?:\.(\d{1,6}))?$/.exec(usdc)
  if (!m) return undefined
  return String(BigInt(m[1]!) * 1_000_000n + BigInt((m[2] ?? '').padEnd(6, '0')))
}

const CreditAmount = MicroUnits.refine((v) => /^[1-9]\d*$/.test(v), {
  message: 'must be a positive amount of micro-units',
}).refine((v) => BigInt(v) <= MAX_CREDIT_MICRO_UNITS, {
  message: `must be at most ${MAX_CREDIT_MICRO_UNITS} micro-units`,
})

/** `amount` (µUSDC) or `amountUsdc` (a decimal string, at most 6 decimals): exactly one. */
export const AmountFields = {
  amount: CreditAmount.optional(),
  amountUsdc: z
    .string()
    .regex(/^\d{1,24}(\.\d{1,6})?$/, 'must be USDC as a decimal string with at most 6 decimals')
    .optional(),
}

/** The µUSDC amount of {@link AmountFields}, checked as a credit's, or an issue and `z.NEVER`. */
export function exactAmount(
  b: { amount?: string | undefined; amountUsdc?: string | undefined },
  ctx: z.RefinementCtx,
): string {
  if ((b.amount === undefined) === (b.amountUsdc === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['amount'], message: 'give amount or amountUsdc' })
    return z.NEVER
  }
  const amount = b.amount ?? usdcToMicroUnits(b.amountUsdc!)!
  const checked = CreditAmount.safeParse(amount)
  if (!checked.success) {
    ctx.addIssue({
      code: 'custom',
      path: ['amountUsdc'],
      message: checked.error.issues[0]!.message,
    })
    return z.NEVER
  }
  return amount
}

/** An idempotency key: the same key and amount move money once. */
export const IdempotencyKey = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, _ or -')

/**
 * `POST /v1/accounts/:accountId/credits` (admin): money in through the internal rail, for demos
 * and tests. Exactly one of `amount` (µUSDC) or `amountUsdc` (a decimal string, at most 6
 * decimals). `transferId` makes a retry harmless: the same id and amount credit once.
 */
export const CreditAccountBody = z
  .strictObject({
    ...AmountFields,
    transferId: IdempotencyKey.optional(),
    reference: z.string().trim().min(1).max(200).optional(),
  })
  .transform((b, ctx) => ({
    amount: exactAmount(b, ctx),
    transferId: b.transferId,
    reference: b.reference,
  }))
export type CreditAccountRequest = z.input<typeof CreditAccountBody>

/** An account's balances. `available` = credited − debited − locked; `locked` = pending debits. */
export interface AccountBalance {
  accountId: string
  /** `bond`: an agent's bond account (docs/bonds.md); read-only here, moved by `/v1/bonds`. */
  kind: 'agent' | 'org' | 'bond'
  /** The agent whose wallet or bond it is; null for an org's operating account. */
  agentId: string | null
  currency: 'USDC'
  /** Posted credits less posted debits. */
  balance: string
  available: string
  locked: string
  /** Pending credits: reserved towards this account, not yet posted. */
  incoming: string
  debitsPending: string
  debitsPosted: string
  creditsPending: string
  creditsPosted: string
}

/** `GET /v1/accounts`. */
export interface AccountList {
  accounts: AccountBalance[]
}

/** One line of a statement: one transfer, as it touched this account. */
export interface StatementLine {
  /** The ledger transfer (its id is the idempotency key it was made with). */
  transferId: string
  kind: 'single_phase' | 'pending' | 'post_pending' | 'void_pending' | 'expire_pending'
  /** What it was for: `deposit`, `escrow_lock`, `escrow_release`, `fee`, … */
  code: string
  direction: 'debit' | 'credit'
  amount: string
  /** The account on the other side. */
  counterpartyAccountId: string
  /** For a post, void or expiry: the pending transfer it resolved. */
  pendingId: string | null
  /** For a pending transfer: where it stands now. */
  status: 'pending' | 'posted' | 'voided' | 'expired' | null
  /** The escrow event that caused it (`FundsDeposited`, `EscrowLocked`, …); null for an expiry. */
  eventId: string | null
  at: string
  /** This account right after the transfer. */
  balanceAfter: { balance: string; available: string; locked: string }
}

/** `GET /v1/accounts/:accountId/statement`: oldest first; `nextCursor` is null on the last page. */
export interface Statement {
  accountId: string
  items: StatementLine[]
  nextCursor: string | null
}

/** What a credit answers: the transfer, the event that records it, and the new balances. */
export interface CreditResult {
  transferId: string
  eventId: string
  rail: 'internal'
  /** False when `transferId` had been credited before: nothing moved this time. */
  created: boolean
  account: AccountBalance
}
