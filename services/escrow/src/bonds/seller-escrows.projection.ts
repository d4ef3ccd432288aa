import { sql } from 'kysely'
import { EscrowCreated, EscrowRefunded, EscrowReleased, EscrowSettled } from '@tessera/contracts'
import { inlineProjection, onEvent } from '@tessera/service-kit'

/** A release, refund or settlement: the escrow no longer holds its seller's bond. */
function closes<T extends { escrowId: string }>(
  contract: { parse(data: unknown): T },
  at: (d: T) => string,
) {
  return onEvent(contract, (tx, s, d) =>
    sql`update ${s}.seller_escrows set open = false, closed_at = ${at(d)}
      where escrow_id = ${d.escrowId}`.execute(tx),
  )
}

/**
 * The escrows each agent sells under, open or not: an inline projection of escrow's own
 * lifecycle events, which a bond withdrawal reads (docs/bonds.md). A release, a refund or a
 * settlement closes one; every time comes from its event.
 */
export const sellerEscrowsProjection = inlineProjection({
  name: 'seller-escrows',
  tables: ['seller_escrows'],
  on: {
    EscrowCreated: onEvent(EscrowCreated, (tx, s, d) =>
      sql`insert into ${s}.seller_escrows (escrow_id, seller_agent_id, open, created_at)
        values (${d.escrowId}, ${d.seller.agentId}, true, ${d.createdAt})
        on conflict (escrow_id) do nothing`.execute(tx),
    ),
    EscrowReleased: closes(EscrowReleased, (d) => d.releasedAt),
    EscrowRefunded: closes(EscrowRefunded, (d) => d.refundedAt),
    EscrowSettled: closes(EscrowSettled, (d) => d.settledAt),
  },
})
