import { sql } from 'kysely'
import { AgentCardPublished, AgentCardWithdrawn } from '@tessera/contracts'
import { inlineProjection, onEvent } from '@tessera/service-kit'

/**
 * `agent_cards`, written from the card's events. The signed JSON is not in the event: it is
 * the document stored under the hash and key the event names (agent_card_documents).
 */
export const agentCardsProjection = inlineProjection({
  name: 'agent-cards',
  tables: ['agent_cards'],
  on: {
    AgentCardPublished: onEvent(AgentCardPublished, async (tx, s, e) => {
      const { numAffectedRows } = await sql`insert into ${s}.agent_cards
          (agent_id, org_id, card, card_hash, kid, published_at)
        select ${e.agentId}, ${e.orgId}, d.card, d.card_hash, d.kid, ${e.publishedAt}
        from ${s}.agent_card_documents d where d.card_hash = ${e.cardHash} and d.kid = ${e.kid}
        on conflict (agent_id) do update set card = excluded.card,
          card_hash = excluded.card_hash, kid = excluded.kid,
          published_at = excluded.published_at`.execute(tx)
      if (!numAffectedRows) {
        throw new Error(`agent ${e.agentId}: no stored card ${e.cardHash} signed by ${e.kid}`)
      }
    }),
    AgentCardWithdrawn: onEvent(AgentCardWithdrawn, (tx, s, e) =>
      sql`delete from ${s}.agent_cards where agent_id = ${e.agentId}`.execute(tx),
    ),
  },
})
