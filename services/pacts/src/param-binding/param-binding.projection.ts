import { type RawBuilder, sql } from 'kysely'
import {
  PactAccepted,
  type PactCondition,
  PactRegistered,
  ParamBindingViolated,
} from '@tessera/contracts'
import type { SchemaTx } from '@tessera/event-store'
import { inlineProjection, onEvent } from '@tessera/service-kit'

type ActivePact = PactAccepted | PactRegistered

/** Only what the binding check reads: the parties and the `param_binding` conditions. */
function insertBindings(tx: SchemaTx, s: RawBuilder<unknown>, d: ActivePact, at: string) {
  const bindings: PactCondition[] = d.terms.conditions.filter((c) => c.kind === 'param_binding')
  return sql`insert into ${s}.pact_bindings (pact_id, pact_hash, buyer_agent_id, buyer_org_id,
      seller_agent_id, seller_org_id, conditions, activated_at)
    values (${d.pactId}, ${d.pactHash}, ${d.buyer.agentId}, ${d.buyer.orgId},
      ${d.seller.agentId}, ${d.seller.orgId}, ${JSON.stringify(bindings)}::jsonb, ${at})
    on conflict (pact_id) do nothing`.execute(tx)
}

/** Each active pact's parties and param bindings, for the TELEMETRY check. */
export const pactBindingsProjection = inlineProjection({
  name: 'pact-bindings',
  tables: ['pact_bindings'],
  on: {
    PactAccepted: onEvent(PactAccepted, (tx, s, d) => insertBindings(tx, s, d, d.acceptedAt)),
    PactRegistered: onEvent(PactRegistered, (tx, s, d) => insertBindings(tx, s, d, d.registeredAt)),
  },
})

/**
 * Every violation recorded, by telemetry event and rule: the primary key makes a second append
 * for one tool call fail, so a redelivery racing the first cannot record it twice.
 */
export const paramBindingViolationsProjection = inlineProjection({
  name: 'param-binding-violations',
  tables: ['param_binding_violations'],
  on: {
    ParamBindingViolated: onEvent(ParamBindingViolated, (tx, s, d) =>
      sql`insert into ${s}.param_binding_violations
          (telemetry_event_id, rule, pact_id, agent_id, tool, detected_at)
        values (${d.telemetryEventId}, ${d.rule}, ${d.pactId}, ${d.agentId}, ${d.tool},
          ${d.detectedAt})`.execute(tx),
    ),
  },
})

export const paramBindingProjections = [pactBindingsProjection, paramBindingViolationsProjection]
