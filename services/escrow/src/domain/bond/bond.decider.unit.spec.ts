import { describe, expect, it } from 'vitest'
import { spec } from '@tessera/testing'
import {
  BondAgentNotFound,
  BondAmountInvalid,
  type BondCommand,
  BondInsufficientFunds,
  BondWithdrawalRefused,
  bondDecider,
} from './bond.decider.ts'
import { slashAmount, tierOf } from './bond.rules.ts'
import type { BondEvent } from './bond.state.ts'

const agentId = 'agt_0123456789abcdefghjkmnpqrs'
const orgId = 'org_0123456789abcdefghjkmnpqrs'
const otherOrg = 'org_zzzzzzzzzzzzzzzzzzzzzzzzzz'
const usdc = (n: bigint) => n * 1_000_000n
const now = '2026-12-06T17:00:00.000Z'

const post = (
  amount: bigint,
  available = usdc(1_000_000n),
): Extract<BondCommand, { type: 'PostBond' }> => ({
  type: 'PostBond',
  agentId,
  orgId,
  amount,
  wallet: { orgId, available },
  transferId: 't1',
  now,
})
const posted = (amount: bigint, total: bigint, tier: number): BondEvent => ({
  type: 'BondPosted',
  data: {
    agentId,
    orgId,
    amount: String(amount),
    totalBond: String(total),
    tier,
    transferId: 't1',
    postedAt: now,
  },
})

const escrowId = (n: number) => `esc_${String(n).padStart(26, '0')}`
const pactId = 'pact_0123456789abcdefghjkmnpqrs'
const day = (d: number) => new Date(Date.UTC(2026, 0, 1) + d * 86_400_000).toISOString()
const miss = (n: number, d: number): BondCommand => ({
  type: 'CountMissedDeadline',
  agentId,
  escrowId: escrowId(n),
  pactId,
  missedAt: day(d),
  transferId: `slash-${n}`,
})
const strike = (n: number, d: number): BondEvent => ({
  type: 'BondStrikeRecorded',
  data: { agentId, escrowId: escrowId(n), pactId, rule: 'deadline_missed', missedAt: day(d) },
})

describe('bond tiers', () => {
  it.each([
    [0n, 0],
    [usdc(100n) - 1n, 0],
    [usdc(100n), 1],
    [usdc(999n), 1],
    [usdc(1_000n), 2],
    [usdc(5_000n), 2],
    [usdc(10_000n), 3],
    [usdc(100_000n), 4],
    [usdc(10n ** 9n), 4],
  ])('%s µUSDC is tier %s', (amount, tier) => {
    expect(tierOf(amount)).toBe(tier)
  })
  it('slashes 10%, rounded down, at least 1 µUSDC', () => {
    expect(slashAmount(usdc(1_000n))).toBe(usdc(100n))
    expect(slashAmount(19n)).toBe(1n)
    expect(slashAmount(5n)).toBe(1n)
    expect(slashAmount(0n)).toBe(0n)
  })
})

describe('posting a bond', () => {
  it('records the amount, the new total and its tier', () => {
    spec(bondDecider)
      .given([])
      .when(post(usdc(1_000n)))
      .then([posted(usdc(1_000n), usdc(1_000n), 2)])
  })
  it('adds a top-up to the bond, and the tier follows the total', () => {
    spec(bondDecider)
      .given([posted(usdc(900n), usdc(900n), 1)])
      .when(post(usdc(100n)))
      .then([posted(usdc(100n), usdc(1_000n), 2)])
  })
  it('refuses more than the wallet has available', () => {
    spec(bondDecider)
      .given([])
      .when(post(usdc(100n), usdc(100n) - 1n))
      .thenThrows(BondInsufficientFunds)
  })
  it.each([
    ['zero', 0n],
    ['a negative amount', -1n],
    ['an enormous amount', 10n ** 15n + 1n],
  ])('refuses %s', (_, amount) => {
    spec(bondDecider).given([]).when(post(amount)).thenThrows(BondAmountInvalid)
  })
  it('refuses an agent escrow does not know', () => {
    spec(bondDecider)
      .given([])
      .when({ ...post(1n), wallet: undefined })
      .thenThrows(BondAgentNotFound)
  })
  it("refuses another org's agent as unknown", () => {
    spec(bondDecider)
      .given([])
      .when({ ...post(1n), wallet: { orgId: otherOrg, available: usdc(1n) } })
      .thenThrows(BondAgentNotFound)
  })
})

describe('slashing: three missed deadlines within 90 days', () => {
  const bonded = posted(usdc(1_000n), usdc(1_000n), 2)
  const slashed = (ids: number[], at: string, transferId: string): BondEvent => ({
    type: 'BondSlashed',
    data: {
      agentId,
      orgId,
      amount: String(usdc(100n)),
      totalBond: String(usdc(900n)),
      tier: 1,
      rule: 'deadlines_missed_3_in_90d',
      escrowIds: ids.map(escrowId),
      transferId,
      slashedAt: at,
    },
  })

  it('counts a missed deadline as a strike', () => {
    spec(bondDecider)
      .given([bonded])
      .when(miss(1, 0))
      .then([strike(1, 0)])
  })
  it('counts each escrow once (a redelivered DeadlineMissed)', () => {
    spec(bondDecider)
      .given([bonded, strike(1, 0)])
      .when(miss(1, 0))
      .then([])
  })
  it('slashes 10% to the third strike within 90 days, dated by the last miss', () => {
    spec(bondDecider)
      .given([bonded, strike(1, 0), strike(2, 30)])
      .when(miss(3, 90))
      .then([strike(3, 90), slashed([1, 2, 3], day(90), 'slash-3')])
  })
  it('does not slash three strikes spread over more than 90 days', () => {
    spec(bondDecider)
      .given([bonded, strike(1, 0), strike(2, 30)])
      .when(miss(3, 91))
      .then([strike(3, 91)])
  })
  it('finds the breach whatever order the misses arrive in', () => {
    spec(bondDecider)
      .given([bonded, strike(1, 0), strike(3, 80)])
      .when(miss(2, 40))
      .then([strike(2, 40), slashed([1, 2, 3], day(80), 'slash-2')])
  })
  it('slashes a breach once: a fourth strike does not reuse spent ones', () => {
    const after = slashed([1, 2, 3], day(20), 'slash-3')
    spec(bondDecider)
      .given([bonded, strike(1, 0), strike(2, 10), strike(3, 20), after])
      .when(miss(4, 30))
      .then([strike(4, 30)])
  })
  it('slashes nothing without a bond, and spends nothing', () => {
    spec(bondDecider)
      .given([strike(1, 0), strike(2, 10)])
      .when(miss(3, 20))
      .then([strike(3, 20)])
  })
  it('lowers the tier with the bond', () => {
    const state = [bonded, strike(1, 0), strike(2, 10), slashed([1, 2, 3], day(20), 'x')].reduce(
      bondDecider.evolve,
      bondDecider.initialState(),
    )
    expect(state.tier).toBe(1)
    expect(state.total).toBe(usdc(900n))
    expect(state.slashedTotal).toBe(usdc(100n))
  })
})

describe('withdrawing a bond', () => {
  const bonded = posted(usdc(1_000n), usdc(1_000n), 2) // posted at `now`
  const later = (days: number) => new Date(Date.parse(now) + days * 86_400_000).toISOString()
  const withdraw = (
    amount: bigint,
    at = later(30),
    openEscrowsAsSeller = 0,
  ): Extract<BondCommand, { type: 'WithdrawBond' }> => ({
    type: 'WithdrawBond',
    agentId,
    orgId,
    amount,
    wallet: { orgId, available: 0n },
    openEscrowsAsSeller,
    transferId: 'w1',
    now: at,
  })
  const refusal = (events: BondEvent[], command: BondCommand) => {
    const state = events.reduce(bondDecider.evolve, bondDecider.initialState())
    try {
      bondDecider.decide(command, state)
    } catch (err) {
      return err instanceof BondWithdrawalRefused ? err.code : err
    }
    return 'allowed'
  }

  it('gives funds back to the wallet 30 days after the last post, and the tier follows', () => {
    spec(bondDecider)
      .given([bonded])
      .when(withdraw(usdc(100n)))
      .then([
        {
          type: 'BondWithdrawn',
          data: {
            agentId,
            orgId,
            amount: String(usdc(100n)),
            totalBond: String(usdc(900n)),
            tier: 1,
            transferId: 'w1',
            withdrawnAt: later(30),
          },
        },
      ])
  })
  it('refuses within the cooldown after a post', () => {
    expect(refusal([bonded], withdraw(1n, later(29)))).toBe('BOND_COOLDOWN')
  })
  it('refuses while the agent is the seller of an open escrow', () => {
    expect(refusal([bonded], withdraw(1n, later(30), 1))).toBe('OPEN_ESCROWS_AS_SELLER')
  })
  it('refuses more than is bonded', () => {
    expect(refusal([bonded], withdraw(usdc(1_000n) + 1n))).toBe('INSUFFICIENT_BOND')
  })
  it('refuses while an unspent strike of the last 90 days may complete a breach', () => {
    const recent: BondEvent = {
      type: 'BondStrikeRecorded',
      data: { agentId, escrowId: escrowId(9), pactId, rule: 'deadline_missed', missedAt: later(1) },
    }
    expect(refusal([bonded, recent], withdraw(1n, later(91)))).toBe('BOND_STRIKES_PENDING')
    expect(refusal([bonded, recent], withdraw(1n, later(92)))).toBe('allowed')
  })
  it("refuses another org's agent as unknown", () => {
    spec(bondDecider)
      .given([bonded])
      .when({ ...withdraw(1n), wallet: { orgId: otherOrg, available: 0n } })
      .thenThrows(BondAgentNotFound)
  })
})
