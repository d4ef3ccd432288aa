import type { EscrowCreated } from '@tessera/contracts'
import { PLATFORM_ACCOUNTS, agentAccountId, escrowAccountId } from '../ledger/ledger.accounts.ts'
import type { TransferInput } from '../ledger/ledger.types.ts'
import type { EscrowEvent } from './escrow.state.ts'

/** The pending transfer that holds an escrow's funds: buyer's wallet → the escrow's account. */
export const lockTransferId = (escrowId: string) => `${escrowId}:lock`

/**
 * The ledger postings an escrow event stands for, ids derived from the escrow so a retry is
 * idempotent and a second resolution of the lock is refused by the ledger itself. A release or
 * a split posts the lock and pays out of the escrow's holding account, all linked: every leg
 * or none.
 * Zero legs are left out (the ledger refuses zero amounts).
 */
export function postingsFor(event: EscrowEvent, escrow: EscrowCreated): TransferInput[] {
  const id = escrow.escrowId
  const lockId = lockTransferId(id)
  switch (event.type) {
    case 'EscrowCreated':
      return [
        {
          id: lockId,
          kind: 'pending',
          debitAccountId: agentAccountId(escrow.buyer.agentId),
          creditAccountId: escrowAccountId(id),
          amount: BigInt(escrow.amount),
          code: 'escrow_lock',
        },
      ]
    case 'EscrowRefunded':
      return [{ id: `${id}:void`, kind: 'void_pending', pendingId: lockId, code: 'escrow_refund' }]
    case 'EscrowReleased':
      return payOut(id, lockId, escrow, {
        seller: BigInt(event.data.sellerAmount),
        buyer: 0n,
        fee: BigInt(event.data.fee),
      })
    case 'EscrowSettled':
      return payOut(id, lockId, escrow, {
        seller: BigInt(event.data.sellerAmount),
        buyer: BigInt(event.data.buyerAmount),
        fee: BigInt(event.data.fee),
      })
    case 'AppealFeeCharged':
      // the appellant's wallet, not the escrow's lock, pays; none when nothing could be charged
      return BigInt(event.data.charged) > 0n
        ? [
            {
              id: `${id}:appeal-fee`,
              kind: 'single_phase',
              debitAccountId: agentAccountId(event.data.payerAgentId),
              creditAccountId: PLATFORM_ACCOUNTS.fees,
              amount: BigInt(event.data.charged),
              code: 'appeal_fee',
            },
          ]
        : []
    default:
      return []
  }
}

function payOut(
  id: string,
  lockId: string,
  escrow: EscrowCreated,
  legs: { seller: bigint; buyer: bigint; fee: bigint },
): TransferInput[] {
  const out = (suffix: string, to: string, amount: bigint, code: string): TransferInput => ({
    id: `${id}:${suffix}`,
    kind: 'single_phase',
    debitAccountId: escrowAccountId(id),
    creditAccountId: to,
    amount,
    code,
  })
  const batch: TransferInput[] = [
    { id: `${id}:post`, kind: 'post_pending', pendingId: lockId, code: 'escrow_post' },
    ...(legs.seller > 0n
      ? [out('seller', agentAccountId(escrow.seller.agentId), legs.seller, 'escrow_payout')]
      : []),
    ...(legs.buyer > 0n
      ? [out('buyer', agentAccountId(escrow.buyer.agentId), legs.buyer, 'escrow_return')]
      : []),
    ...(legs.fee > 0n ? [out('fee', PLATFORM_ACCOUNTS.fees, legs.fee, 'escrow_fee')] : []),
  ]
  return batch.map((t, i) => ({ ...t, linked: i < batch.length - 1 }))
}
