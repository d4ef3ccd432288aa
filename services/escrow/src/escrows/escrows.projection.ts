import { type RawBuilder, sql } from 'kysely'
import type { SchemaTx } from '@tessera/event-store'
import {
  CompletionSubmitted,
  DisputeOpened,
  EscrowCreated,
  EscrowDeadlineExtended,
  EscrowRefunded,
  EscrowReleased,
  EscrowSettled,
} from '@tessera/contracts'
import { inlineProjection, onEvent } from '@tessera/service-kit'

/** `escrows`: one row per escrow, what `GET /v1/escrows/:id` answers; every time from its event. */
export const escrowsProjection = inlineProjection({
  name: 'escrows',
  tables: ['escrows'],
  on: {
    EscrowCreated: onEvent(EscrowCreated, (tx, s, e) =>
      sql`insert into ${s}.escrows (escrow_id, pact_id, buyer_agent_id, buyer_org_id,
          seller_agent_id, seller_org_id, status, condition_hash, amount, arbiter, deadline_utc,
          transfer_id, created_at, updated_at)
        values (${e.escrowId}, ${e.pactId}, ${e.buyer.agentId}, ${e.buyer.orgId},
          ${e.seller.agentId}, ${e.seller.orgId}, 'locked', ${e.conditionHash}, ${e.amount},
          ${e.arbiter}, ${e.deadlineUtc}, ${e.transferId}, ${e.createdAt}, ${e.createdAt})`.execute(
        tx,
      ),
    ),
    CompletionSubmitted: onEvent(CompletionSubmitted, (tx, s, e) =>
      sql`update ${s}.escrows set verification = ${e.verification},
          results = ${JSON.stringify(e.results)}::jsonb, updated_at = ${e.submittedAt}
        where escrow_id = ${e.escrowId}`.execute(tx),
    ),
    EscrowReleased: onEvent(EscrowReleased, (tx, s, e) =>
      settle(tx, s, e.escrowId, 'released', e.releasedAt, {
        basis: 'release',
        sellerAmount: e.sellerAmount,
        buyerAmount: '0',
        fee: e.fee,
        at: e.releasedAt,
      }),
    ),
    EscrowDeadlineExtended: onEvent(EscrowDeadlineExtended, (tx, s, e) =>
      sql`update ${s}.escrows set deadline_utc = ${e.deadlineUtc}, updated_at = ${e.extendedAt}
        where escrow_id = ${e.escrowId}`.execute(tx),
    ),
    EscrowRefunded: onEvent(EscrowRefunded, (tx, s, e) =>
      settle(tx, s, e.escrowId, 'refunded', e.refundedAt, {
        basis: 'refund',
        sellerAmount: '0',
        buyerAmount: e.amount,
        fee: '0',
        at: e.refundedAt,
      }),
    ),
    DisputeOpened: onEvent(DisputeOpened, (tx, s, e) =>
      sql`update ${s}.escrows set status = 'disputed', dispute_id = ${e.disputeId},
          updated_at = ${e.openedAt}
        where escrow_id = ${e.escrowId}`.execute(tx),
    ),
    EscrowSettled: onEvent(EscrowSettled, (tx, s, e) =>
      settle(tx, s, e.escrowId, 'settled', e.settledAt, {
        basis: e.basis,
        sellerAmount: e.sellerAmount,
        buyerAmount: e.buyerAmount,
        fee: e.fee,
        at: e.settledAt,
      }),
    ),
  },
})

function settle(
  tx: SchemaTx,
  s: RawBuilder<unknown>,
  escrowId: string,
  status: string,
  at: string,
  settlement: Record<string, string>,
) {
  return sql`update ${s}.escrows set status = ${status},
      settlement = ${JSON.stringify(settlement)}::jsonb, updated_at = ${at}
    where escrow_id = ${escrowId}`.execute(tx)
}
