import { sql } from 'kysely'
import {
  PactAccepted,
  PactCountered,
  PactExpired,
  PactProposed,
  PactRegistered,
  PactRejected,
} from '@tessera/contracts'
import { inlineProjection, onEvent } from '@tessera/service-kit'
import { nonceScope } from '../domain/pact/pact.decider.ts'

const json = (v: unknown) => sql`${JSON.stringify(v)}::jsonb`

/**
 * `pacts` (what `GET /v1/pacts` reads) and `pact_nonces` (each proposer key's used nonces, whose
 * primary key refuses a replay even when two requests race), from pacts' own events. Every time
 * comes from its event, so a rebuild gives the live rows back.
 */
export const pactsProjection = inlineProjection({
  name: 'pacts',
  tables: ['pacts', 'pact_nonces'],
  on: {
    PactProposed: onEvent(PactProposed, async (tx, s, d) => {
      const round = {
        round: 1,
        pactHash: d.pactHash,
        terms: d.terms,
        by: d.buyer.agentId,
        signature: d.signature,
        at: d.proposedAt,
      }
      await sql`insert into ${s}.pacts (pact_id, pact_hash, terms, status, round, buyer, seller,
          buyer_agent_id, buyer_org_id, seller_agent_id, seller_org_id, signatures, rounds,
          awaiting, expires_at, created_at, updated_at)
        values (${d.pactId}, ${d.pactHash}, ${json(d.terms)}, 'proposed', 1, ${json(d.buyer)},
          ${json(d.seller)}, ${d.buyer.agentId}, ${d.buyer.orgId}, ${d.seller.agentId},
          ${d.seller.orgId}, ${json({ buyer: d.signature })}, ${json([round])},
          ${d.seller.agentId}, ${d.expiresAt}, ${d.proposedAt}, ${d.proposedAt})`.execute(tx)
      await sql`insert into ${s}.pact_nonces (agent_id, nonce, pact_id)
        values (${nonceScope(d.buyer)}, ${d.terms.nonce}, ${d.pactId})`.execute(tx)
    }),
    PactCountered: onEvent(PactCountered, async (tx, s, d) => {
      const round = {
        round: d.round,
        pactHash: d.pactHash,
        terms: d.terms,
        by: d.by,
        signature: d.signature,
        at: d.counteredAt,
      }
      await sql`update ${s}.pacts set pact_hash = ${d.pactHash}, terms = ${json(d.terms)},
          round = ${d.round},
          signatures = jsonb_build_object(
            case when buyer_agent_id = ${d.by} then 'buyer' else 'seller' end, ${d.signature}::text),
          rounds = rounds || ${json([round])},
          awaiting = case when buyer_agent_id = ${d.by} then seller_agent_id else buyer_agent_id end,
          expires_at = ${d.expiresAt}, updated_at = ${d.counteredAt}
        where pact_id = ${d.pactId}`.execute(tx)
      // a counter may keep its pact's nonce; the service refused another pact's
      await sql`insert into ${s}.pact_nonces (agent_id, nonce, pact_id)
        select coalesce(buyer->>'did', buyer_agent_id), ${d.terms.nonce}, pact_id from ${s}.pacts
        where pact_id = ${d.pactId}
        on conflict (agent_id, nonce) do nothing`.execute(tx)
    }),
    PactAccepted: onEvent(PactAccepted, (tx, s, d) => {
      const signatures = { buyer: d.buyerSignature, seller: d.sellerSignature }
      return sql`update ${s}.pacts set status = 'active', signatures = ${json(signatures)},
          awaiting = null, expires_at = null, updated_at = ${d.acceptedAt}
        where pact_id = ${d.pactId}`.execute(tx)
    }),
    PactRegistered: onEvent(PactRegistered, async (tx, s, d) => {
      const round = {
        round: 1,
        pactHash: d.pactHash,
        terms: d.terms,
        by: d.buyer.agentId,
        signature: d.buyerSignature,
        at: d.registeredAt,
      }
      const signatures = { buyer: d.buyerSignature, seller: d.sellerSignature }
      await sql`insert into ${s}.pacts (pact_id, pact_hash, terms, status, round, buyer, seller,
          buyer_agent_id, buyer_org_id, seller_agent_id, seller_org_id, signatures, rounds,
          awaiting, expires_at, created_at, updated_at)
        values (${d.pactId}, ${d.pactHash}, ${json(d.terms)}, 'active', 1, ${json(d.buyer)},
          ${json(d.seller)}, ${d.buyer.agentId}, ${d.buyer.orgId}, ${d.seller.agentId},
          ${d.seller.orgId}, ${json(signatures)}, ${json([round])}, null, null,
          ${d.registeredAt}, ${d.registeredAt})`.execute(tx)
      await sql`insert into ${s}.pact_nonces (agent_id, nonce, pact_id)
        values (${nonceScope(d.buyer)}, ${d.terms.nonce}, ${d.pactId})`.execute(tx)
    }),
    PactRejected: onEvent(PactRejected, (tx, s, d) =>
      sql`update ${s}.pacts set status = 'rejected', awaiting = null, expires_at = null,
        updated_at = ${d.rejectedAt} where pact_id = ${d.pactId}`.execute(tx),
    ),
    PactExpired: onEvent(PactExpired, (tx, s, d) =>
      sql`update ${s}.pacts set status = 'expired', awaiting = null, expires_at = null,
        updated_at = ${d.expiredAt} where pact_id = ${d.pactId}`.execute(tx),
    ),
  },
})
