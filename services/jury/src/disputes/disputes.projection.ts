import { sql } from 'kysely'
import {
  AppealFiled,
  DisputeReceived,
  DisputeResponded,
  PanelSat,
  QuorumMissed,
  VerdictReached,
} from '@tessera/contracts'
import { inlineProjection, onEvent } from '@tessera/service-kit'
import { isCoherent } from '../domain/dispute/aggregation.ts'

/** `disputes`: each dispute's latest state, for `GET /v1/disputes[/:id]`. */
export const disputesProjection = inlineProjection({
  name: 'disputes',
  tables: ['disputes'],
  on: {
    DisputeReceived: onEvent(DisputeReceived, (tx, s, d) =>
      sql`insert into ${s}.disputes (dispute_id, escrow_id, pact_id, buyer, seller,
          buyer_org_id, seller_org_id, claimant, disputed_by, reason, amount, status,
          opened_at, respond_by, round, attempt, updated_at)
        values (${d.disputeId}, ${d.escrowId}, ${d.pactId}, ${JSON.stringify(d.buyer)},
          ${JSON.stringify(d.seller)}, ${d.buyer.orgId}, ${d.seller.orgId}, ${d.claimant},
          ${d.disputedBy}, ${d.reason}, ${d.amount}, 'awaiting_response', ${d.openedAt},
          ${d.respondBy}, 1, 0, ${d.openedAt})`.execute(tx),
    ),
    DisputeResponded: onEvent(DisputeResponded, (tx, s, d) =>
      sql`update ${s}.disputes set status = 'deliberating', responded_at = ${d.respondedAt},
        updated_at = ${d.respondedAt} where dispute_id = ${d.disputeId}`.execute(tx),
    ),
    PanelSat: onEvent(PanelSat, (tx, s, d) =>
      sql`update ${s}.disputes set attempt = ${d.attempt}, updated_at = ${d.satAt}
        where dispute_id = ${d.disputeId}`.execute(tx),
    ),
    QuorumMissed: onEvent(QuorumMissed, (tx, s, d) =>
      sql`update ${s}.disputes set updated_at = ${d.missedAt},
        status = case when status = 'appealed' then 'appealed' else 'deliberating' end
        where dispute_id = ${d.disputeId}`.execute(tx),
    ),
    VerdictReached: onEvent(VerdictReached, (tx, s, d) => {
      const verdict = {
        releasePercentage: d.releasePercentage,
        round: d.round,
        recordHash: d.recordHash,
        evidenceHash: d.evidenceHash,
        reachedAt: d.reachedAt,
      }
      return sql`update ${s}.disputes set verdict = ${JSON.stringify(verdict)},
        appealable_until = ${d.appealableUntil ?? null},
        status = ${d.round === 1 && d.appealableUntil ? 'decided' : 'final'},
        updated_at = ${d.reachedAt} where dispute_id = ${d.disputeId}`.execute(tx)
    }),
    AppealFiled: onEvent(AppealFiled, (tx, s, d) => {
      const appeal = { party: d.party, fee: d.fee, filedAt: d.filedAt }
      return sql`update ${s}.disputes set status = 'appealed', round = 2, attempt = 0,
        appeal = ${JSON.stringify(appeal)}, updated_at = ${d.filedAt}
        where dispute_id = ${d.disputeId}`.execute(tx)
    }),
  },
})

/** `judge_votes`: every seat of every panel, coherent when inside the kept range. */
export const judgeVotesProjection = inlineProjection({
  name: 'judge-votes',
  tables: ['judge_votes'],
  on: {
    PanelSat: onEvent(PanelSat, async (tx, s, d) => {
      for (const b of d.ballots) {
        const pct = b.vote?.releasePercentage ?? null
        const coherent = pct !== null && d.aggregation ? isCoherent(d.aggregation, pct) : null
        // the parties' orgs from `disputes`, written by DisputeReceived long before
        await sql`insert into ${s}.judge_votes (dispute_id, round, attempt, judge_id,
            judge_config, provider, model, buyer_org_id, seller_org_id, release_percentage,
            excluded_reason, coherent, sat_at)
          select ${d.disputeId}, ${d.round}, ${d.attempt}, ${b.judgeId},
            ${b.judgeId.split('#')[0]!}, ${b.provider}, ${b.model}, buyer_org_id, seller_org_id,
            ${pct}, ${b.excluded?.reason ?? null}, ${coherent}, ${d.satAt}
          from ${s}.disputes where dispute_id = ${d.disputeId}`.execute(tx)
      }
    }),
  },
})
