import type { Decider } from '@tessera/contracts'
import { DEADLINE_RULE, MAX_BOND_POST, slashAmount, tierOf } from './bond.rules.ts'
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

export function decide(command: BondCommand, state: BondState): BondEvent[] {
  switch (command.type) {
    case 'PostBond':
      return postBond(command, state)
    case 'CountMissedDeadline':
      return countMissedDeadline(command, state)
    default: {
      const _exhaustive: never = command
      return _exhaustive
    }
  }
}

function postBond(c: Extract<BondCommand, { type: 'PostBond' }>, state: BondState): BondEvent[] {
  if (!c.wallet || c.wallet.orgId !== c.orgId) {
    throw new BondAgentNotFound(`agent ${c.agentId} not found`)
  }
  if (c.amount <= 0n || c.amount > MAX_BOND_POST) {
    throw new BondAmountInvalid(`a bond post must be 1 to ${MAX_BOND_POST} micro-units`)
  }
  if (c.wallet.available < c.amount) {
    throw new BondInsufficientFunds(
      `the wallet has ${c.wallet.available} micro-units available, the bond needs ${c.amount}`,
    )
  }
  const total = state.total + c.amount
  return [
    {
      type: 'BondPosted',
      data: {
        agentId: c.agentId,
        orgId: c.orgId,
        amount: String(c.amount),
        totalBond: String(total),
        tier: tierOf(total),
        transferId: c.transferId,
        postedAt: c.now,
      },
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
