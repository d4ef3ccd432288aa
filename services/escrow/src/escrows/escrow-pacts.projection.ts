import { Inject, Injectable } from '@nestjs/common'
import { sql } from 'kysely'
import { type AnyEnvelope, PactAccepted, PactRegistered } from '@tessera/contracts'
import type { SchemaTx } from '@tessera/event-store'
import { EventConsumer, On, SERVICE_SCHEMA } from '@tessera/service-kit'

/**
 * Escrow's copy of the active pacts (PACTS' PactAccepted / PactRegistered): the hash an escrow
 * binds to, the payment, the deadline, the parties (with the did:key every completion and
 * settlement signature is checked against) and the deliverable conditions verification runs.
 */
@EventConsumer({ name: 'escrow-pacts', context: 'pacts', rebuildable: true })
@Injectable()
export class EscrowPactsProjection {
  constructor(@Inject(SERVICE_SCHEMA) private readonly schema: string) {}

  @On('PactAccepted')
  accepted(tx: SchemaTx, e: AnyEnvelope) {
    const d = PactAccepted.parse(e.data)
    return this.upsert(tx, d, d.acceptedAt)
  }

  @On('PactRegistered')
  registered(tx: SchemaTx, e: AnyEnvelope) {
    const d = PactRegistered.parse(e.data)
    return this.upsert(tx, d, d.registeredAt)
  }

  private async upsert(tx: SchemaTx, d: PactAccepted | PactRegistered, at: string) {
    const deliverables = d.terms.conditions.filter((c) => c.kind === 'deliverable')
    await sql`insert into ${sql.id(this.schema)}.escrow_pacts (pact_id, pact_hash, amount,
        deadline_utc, arbiter, buyer, seller, conditions, active_at)
      values (${d.pactId}, ${d.pactHash}, ${d.terms.payment.amount}, ${d.terms.deadlineUtc},
        ${d.terms.escrowArbiter}, ${JSON.stringify(d.buyer)}::jsonb,
        ${JSON.stringify(d.seller)}::jsonb, ${JSON.stringify(deliverables)}::jsonb, ${at})
      on conflict (pact_id) do nothing`.execute(tx)
  }

  async reset(tx: SchemaTx) {
    await sql`delete from ${sql.id(this.schema)}.escrow_pacts`.execute(tx)
  }
}
