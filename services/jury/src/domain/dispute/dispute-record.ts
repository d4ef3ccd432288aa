import type { DisputeRecordRound, PanelSat } from '@tessera/contracts'
import { canonicalJson, sha256Hex } from '@tessera/crypto'
import { verdictSplit } from '@tessera/settlement'

/**
 * The split of `amount` at `releasePercentage`, as the record shows it: @tessera/settlement's
 * `verdictSplit`, the very function escrow settles with (the 1% fee floored off the top, the
 * seller's share of the rest floored, the buyer the remainder). Escrow's `EscrowSettled` is
 * what was paid.
 */
export function splitOf(amount: string, releasePercentage: number) {
  const split = verdictSplit(BigInt(amount), releasePercentage)
  return {
    amount,
    fee: split.fee.toString(),
    sellerAmount: split.sellerAmount.toString(),
    buyerAmount: split.buyerAmount.toString(),
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
