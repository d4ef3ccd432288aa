import {
  BondPosted,
  BondSlashed,
  BondStrikeRecorded,
  BondWithdrawn,
  eventParser,
} from '@tessera/contracts'
import { tierOf } from './bond.rules.ts'

export type BondEvent =
  | { type: 'BondPosted'; data: BondPosted }
  | { type: 'BondSlashed'; data: BondSlashed }
  | { type: 'BondStrikeRecorded'; data: BondStrikeRecorded }
  | { type: 'BondWithdrawn'; data: BondWithdrawn }
export const parseBondEvent = eventParser('a bond', {
  BondPosted,
  BondSlashed,
  BondStrikeRecorded,
  BondWithdrawn,
})

export interface Strike {
  escrowId: string
  pactId: string
  missedAt: string
  /** A slash used it: it counts towards no other breach. */
  spent: boolean
}

/** One agent's bond, folded from stream `bond-<agentId>`. */
export interface BondState {
  /** The org of the agent, known from its first post. */
  orgId: string | null
  total: bigint
  tier: number
  /** When the last post was made: withdrawals wait a cooldown after it. */
  lastPostedAt: string | null
  slashedTotal: bigint
  slashes: BondSlashed[]
  strikes: Strike[]
}

export const initialState = (): BondState => ({
  orgId: null,
  total: 0n,
  tier: 0,
  lastPostedAt: null,
  slashedTotal: 0n,
  slashes: [],
  strikes: [],
})

export function evolve(state: BondState, event: BondEvent): BondState {
  switch (event.type) {
    case 'BondPosted': {
      const total = BigInt(event.data.totalBond)
      return {
        ...state,
        orgId: event.data.orgId,
        total,
        tier: tierOf(total),
        lastPostedAt: event.data.postedAt,
      }
    }
    case 'BondWithdrawn': {
      const total = BigInt(event.data.totalBond)
      return { ...state, total, tier: tierOf(total) }
    }
    case 'BondSlashed': {
      const spent = new Set(event.data.escrowIds ?? [])
      const total = BigInt(event.data.totalBond)
      return {
        ...state,
        total,
        tier: tierOf(total),
        slashedTotal: state.slashedTotal + BigInt(event.data.amount),
        slashes: [...state.slashes, event.data],
        strikes: state.strikes.map((s) => (spent.has(s.escrowId) ? { ...s, spent: true } : s)),
      }
    }
    case 'BondStrikeRecorded': {
      const { escrowId, pactId, missedAt } = event.data
      return { ...state, strikes: [...state.strikes, { escrowId, pactId, missedAt, spent: false }] }
    }
  }
}
