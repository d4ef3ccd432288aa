import type { DisputeRecordRound, PanelSat } from '@tessera/contracts'
import { canonicalJson, sha256Hex } from '@tessera/crypto'

/** 1% of the escrow, floored to the micro-unit, taken before the split. */
export const ARBITRATION_FEE_BPS = 100n

/**
 * The split of `amount` at `releasePercentage`, as the record shows it: the 1% fee (floor) off
 * the top, the seller's share of the rest floored to the micro-unit (the percentage is a
 * multiple of 0.5, counted in basis points), the buyer gets the remainder. Escrow's
 * `EscrowSettled` is what was paid.
 */
export function splitOf(amount: string, releasePercentage: number) {
  const total = BigInt(amount)
  const fee = (total * ARBITRATION_FEE_BPS) / 10_000n
  const rest = total - fee
  const sellerAmount = (rest * BigInt(Math.round(releasePercentage * 100))) / 10_000n
  return {
    amount,
    fee: fee.toString(),
    sellerAmount: sellerAmount.toString(),
    buyerAmount: (rest - sellerAmount).toString(),
  }
}

/** One round's audit record, from its panels; the verdict's `recordHash` is its hash. */
export function roundRecord(
  d: { disputeId: string; escrowId: string; pactId: string; amount: string },
  round: number,
  panels: readonly PanelSat[],
): DisputeRecordRound {
  const decisive = panels.at(-1)?.aggregation ?? null
  return {
    disputeId: d.disputeId,
    escrowId: d.escrowId,
    pactId: d.pactId,
    round,
    panels: panels.map((p) => ({
      attempt: p.attempt,
      evidenceHash: p.evidenceHash,
      evidence: p.evidence,
      quorum: p.quorum,
      ballots: p.ballots.map((b) => ({ ...b, prompt: p.prompt })),
      aggregation: p.aggregation,
      satAt: p.satAt,
    })),
    verdict: decisive ? { releasePercentage: decisive.median } : null,
    split: decisive ? splitOf(d.amount, decisive.median) : null,
  }
}

export const recordHash = (r: DisputeRecordRound) => sha256Hex(canonicalJson(r))
