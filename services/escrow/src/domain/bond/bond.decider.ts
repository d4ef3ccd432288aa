import type { Decider } from '@tessera/contracts'
import {
  DEADLINE_RULE,
  MAX_BOND_POST,
  WITHDRAWAL_COOLDOWN_MS,
  slashAmount,
  tierOf,
} from './bond.rules.ts'
import {
  type BondEvent,
  type BondState,
  type Strike,
  evolve,
  initialState,
  parseBondEvent,
} from './bond.state.ts'

/** The agent's wallet as the ledger has it now: which org owns it, what it can spend. */
export interface WalletFacts {
  orgId: string
  available: bigint
}

export type BondCommand =
  | {
      type: 'PostBond'
      agentId: string
      /** The caller's org. */
      orgId: string
      amount: bigint
      /** Undefined when escrow knows no such agent. */
      wallet: WalletFacts | undefined
      transferId: string
      now: string
    }
  | {
      type: 'WithdrawBond'
      agentId: string
      orgId: string
      amount: bigint
      wallet: WalletFacts | undefined
      /** Escrows not yet released, refunded or settled with the agent as seller. */
      openEscrowsAsSeller: number
      transferId: string
      now: string
    }
  | {
      /** From escrow's `DeadlineMissed`: the agent was the seller. */
      type: 'CountMissedDeadline'
      agentId: string
      escrowId: string
      pactId: string
      missedAt: string
      transferId: string
    }

/** No such agent, or another org's: the API says 404, as for any record of another org. */
export class BondAgentNotFound extends Error {
  readonly code = 'NOT_FOUND'
}
export class BondAmountInvalid extends Error {
  readonly code = 'VALIDATION_ERROR'
}
export class BondInsufficientFunds extends Error {
  readonly code = 'INSUFFICIENT_FUNDS'
}

/** A withdrawal the rules of docs/bonds.md do not allow now; `code` says which rule. */
export class BondWithdrawalRefused extends Error {
  constructor(
    readonly code:
      'INSUFFICIENT_BOND' | 'OPEN_ESCROWS_AS_SELLER' | 'BOND_COOLDOWN' | 'BOND_STRIKES_PENDING',
    message: string,
  ) {
    super(message)
  }
}

export function decide(command: BondCommand, state: BondState): BondEvent[] {
  switch (command.type) {
    case 'PostBond':
      return postBond(command, state)
    case 'WithdrawBond':
      return withdrawBond(command, state)
    case 'CountMissedDeadline':
      return countMissedDeadline(command, state)
    default: {
      const _exhaustive: never = command
      return _exhaustive
    }
  }
}

/** The agent is the caller org's and the amount is one a post or withdrawal may move. */
function checkAgentAndAmount<
  C extends { agentId: string; orgId: string; amount: bigint; wallet: WalletFacts | undefined },
>(c: C): asserts c is C & { wallet: WalletFacts } {
  if (!c.wallet || c.wallet.orgId !== c.orgId) {
    throw new BondAgentNotFound(`agent ${c.agentId} not found`)
  }
  if (c.amount <= 0n || c.amount > MAX_BOND_POST) {
    throw new BondAmountInvalid(`a bond movement must be 1 to ${MAX_BOND_POST} micro-units`)
  }
}

function postBond(c: Extract<BondCommand, { type: 'PostBond' }>, state: BondState): BondEvent[] {
  checkAgentAndAmount(c)
  if (c.wallet.available < c.amount) {
    throw new BondInsufficientFunds(
      `the wallet has ${c.wallet.available} micro-units available, the bond needs ${c.amount}`,
    )
  }
  const total = state.total + c.amount
  return [
    {
      type: 'BondPosted',
      data: { ...moved(c, total), postedAt: c.now },
    },
  ]
}

/** What a post and a withdrawal record alike: the amount moved, the new total and its tier. */
function moved(
  c: { agentId: string; orgId: string; amount: bigint; transferId: string },
  total: bigint,
) {
  return {
    agentId: c.agentId,
    orgId: c.orgId,
    amount: String(c.amount),
    totalBond: String(total),
    tier: tierOf(total),
    transferId: c.transferId,
  }
}

/**
 * Gives bonded funds back only when nothing they back is at stake: no open escrow as seller,
 * no unspent strike within the rule's window (a breach in progress stays slashable), and the
 * cooldown after the last post passed (a bond is not posted to pass one tier check).
 */
function withdrawBond(
  c: Extract<BondCommand, { type: 'WithdrawBond' }>,
  state: BondState,
): BondEvent[] {
  checkAgentAndAmount(c)
  if (c.amount > state.total) {
    throw new BondWithdrawalRefused(
      'INSUFFICIENT_BOND',
      `the bond holds ${state.total} micro-units, the withdrawal asks ${c.amount}`,
    )
  }
  if (c.openEscrowsAsSeller > 0) {
    throw new BondWithdrawalRefused(
      'OPEN_ESCROWS_AS_SELLER',
      `the agent is the seller of ${c.openEscrowsAsSeller} open escrow(s)`,
    )
  }
  const now = at(c.now)
  if (state.lastPostedAt !== null && now - at(state.lastPostedAt) < WITHDRAWAL_COOLDOWN_MS) {
    throw new BondWithdrawalRefused(
      'BOND_COOLDOWN',
      `a bond may be withdrawn 30 days after its last post (${state.lastPostedAt})`,
    )
  }
  if (state.strikes.some((s) => !s.spent && now - at(s.missedAt) <= DEADLINE_RULE.windowMs)) {
    throw new BondWithdrawalRefused(
      'BOND_STRIKES_PENDING',
      'a missed deadline within the last 90 days may still complete a breach',
    )
  }
  const total = state.total - c.amount
  return [
    {
      type: 'BondWithdrawn',
      data: { ...moved(c, total), withdrawnAt: c.now },
    },
  ]
}

/**
 * Counts a missed deadline once per escrow. When it and two other unspent strikes fall within
 * 90 days of one another (by `missedAt`, whatever order they arrive in), that is one breach:
 * the bond is slashed once and the three are spent. With nothing bonded, nothing is slashed and
 * nothing spent; a later strike may still complete a breach with them.
 */
function countMissedDeadline(
  c: Extract<BondCommand, { type: 'CountMissedDeadline' }>,
  state: BondState,
): BondEvent[] {
  if (state.strikes.some((s) => s.escrowId === c.escrowId)) return []
  const strike: BondEvent = {
    type: 'BondStrikeRecorded',
    data: {
      agentId: c.agentId,
      escrowId: c.escrowId,
      pactId: c.pactId,
      rule: 'deadline_missed',
      missedAt: c.missedAt,
    },
  }
  const breach = breachWith({ ...strike.data, spent: false }, state.strikes)
  const amount = slashAmount(state.total)
  if (!breach || amount === 0n || state.orgId === null) return [strike]
  const total = state.total - amount
  const slashedAt = breach.map((s) => s.missedAt).reduce((a, b) => (at(a) >= at(b) ? a : b))
  return [
    strike,
    {
      type: 'BondSlashed',
      data: {
        agentId: c.agentId,
        orgId: state.orgId,
        amount: String(amount),
        totalBond: String(total),
        tier: tierOf(total),
        rule: DEADLINE_RULE.name,
        escrowIds: breach.map((s) => s.escrowId),
        transferId: c.transferId,
        slashedAt,
      },
    },
  ]
}

const at = (iso: string) => Date.parse(iso)

/** Three unspent strikes, `fresh` among them, spanning at most the rule's window; else none. */
function breachWith(fresh: Strike, strikes: Strike[]): Strike[] | undefined {
  const open = [...strikes.filter((s) => !s.spent), fresh].sort(
    (a, b) => at(a.missedAt) - at(b.missedAt),
  )
  for (const first of open) {
    const start = at(first.missedAt)
    const inWindow = open.filter(
      (s) => at(s.missedAt) >= start && at(s.missedAt) - start <= DEADLINE_RULE.windowMs,
    )
    if (!inWindow.includes(fresh) || inWindow.length < DEADLINE_RULE.strikes) continue
    const others = inWindow.filter((s) => s !== fresh).slice(0, DEADLINE_RULE.strikes - 1)
    return [...others, fresh].sort((a, b) => at(a.missedAt) - at(b.missedAt))
  }
  return undefined
}

export const bondDecider: Decider<BondCommand, BondEvent, BondState> = {
  decide,
  evolve,
  initialState,
  parse: parseBondEvent,
}

export const bondStreamId = (agentId: string) => `bond-${agentId}`
