import { Inject, Injectable } from '@nestjs/common'
import { sql } from 'kysely'
import { type AnyEnvelope, PactAccepted, PactRegistered } from '@tessera/contracts'
import type { SchemaTx } from '@tessera/event-store'
import { EventConsumer, On, SERVICE_SCHEMA } from '@tessera/service-kit'

/**
 * Guardian's copy of every active pact's parties and `param_binding` conditions, from PACTS,
 * for action checks that name a pact. A pact is announced once and never changes after, so a
 * row is written once (a redelivery does nothing).
 */
@EventConsumer({ name: 'pact-bindings', context: 'pacts', rebuildable: true })
@Injectable()
export class PactBindingsProjection {
  constructor(@Inject(SERVICE_SCHEMA) private readonly schema: string) {}

  @On('PactAccepted')
  async accepted(tx: SchemaTx, e: AnyEnvelope) {
    const d = PactAccepted.parse(e.data)
    await this.insert(tx, d, d.acceptedAt)
  }

  @On('PactRegistered')
  async registered(tx: SchemaTx, e: AnyEnvelope) {
    const d = PactRegistered.parse(e.data)
    await this.insert(tx, d, d.registeredAt)
  }

  async reset(tx: SchemaTx) {
    await sql`delete from ${sql.id(this.schema)}.pact_bindings`.execute(tx)
  }

  private async insert(tx: SchemaTx, d: PactAccepted | PactRegistered, at: string) {
    const bindings = d.terms.conditions.filter((c) => c.kind === 'param_binding')
    await sql`insert into ${sql.id(this.schema)}.pact_bindings (pact_id, pact_hash,
        buyer_agent_id, buyer_org_id, seller_agent_id, seller_org_id, conditions, activated_at)
      values (${d.pactId}, ${d.pactHash}, ${d.buyer.agentId}, ${d.buyer.orgId},
        ${d.seller.agentId}, ${d.seller.orgId}, ${JSON.stringify(bindings)}::jsonb, ${at})
      on conflict (pact_id) do nothing`.execute(tx)
  }
}
