import { Inject, Injectable } from '@nestjs/common'
import { sql } from 'kysely'
import {
  type AnyEnvelope,
  CompletionSubmitted,
  PactAccepted,
  PactRegistered,
} from '@tessera/contracts'
import type { SchemaTx } from '@tessera/event-store'
import { EventConsumer, On, SERVICE_SCHEMA } from '@tessera/service-kit'
import { excerptSummary } from '../domain/dispute/room-excerpt.ts'

/** Keeps an event of a pact (or of its escrow) for the room excerpt; a redelivery is a no-op. */
async function recordExcerpt(
  tx: SchemaTx,
  schema: string,
  context: 'pacts' | 'escrow',
  e: AnyEnvelope,
) {
  const data = e.data as Record<string, unknown>
  if (typeof data?.['pactId'] !== 'string') return
  await sql`insert into ${sql.id(schema)}.jury_room_excerpts (event_id, pact_id, context, type,
      occurred_at, summary)
    values (${e.metadata.eventId}, ${data['pactId']}, ${context}, ${e.type},
      ${e.metadata.occurredAt}, ${JSON.stringify(excerptSummary(data))})
    on conflict (event_id) do nothing`.execute(tx)
}

/**
 * Jury's copy of active pacts, from the PACTS stream: the signed terms, hash, signatures and
 * parties the evidence package carries. A read model, rebuildable from position 0.
 */
@EventConsumer({ name: 'jury-pacts', context: 'pacts', rebuildable: true })
@Injectable()
export class JuryPactsProjection {
  constructor(@Inject(SERVICE_SCHEMA) private readonly schema: string) {}

  @On('PactAccepted')
  async accepted(tx: SchemaTx, e: AnyEnvelope) {
    const d = PactAccepted.parse(e.data)
    await this.upsert(tx, d, d.acceptedAt)
    await recordExcerpt(tx, this.schema, 'pacts', e)
  }

  @On('PactRegistered')
  async registered(tx: SchemaTx, e: AnyEnvelope) {
    const d = PactRegistered.parse(e.data)
    await this.upsert(tx, d, d.registeredAt)
    await recordExcerpt(tx, this.schema, 'pacts', e)
  }

  /** The rest of what happens under a pact, for the room excerpt. */
  @On('PactProposed')
  @On('PactCountered')
  @On('PactRejected')
  @On('PactExpired')
  @On('ExecutionFailureReported')
  @On('ParamBindingViolated')
  excerpt(tx: SchemaTx, e: AnyEnvelope) {
    return recordExcerpt(tx, this.schema, 'pacts', e)
  }

  private async upsert(tx: SchemaTx, d: Omit<PactRegistered, 'registeredAt'>, at: string) {
    await sql`insert into ${sql.id(this.schema)}.jury_pacts (pact_id, pact_hash, terms, buyer,
        seller, buyer_signature, seller_signature, activated_at)
      values (${d.pactId}, ${d.pactHash}, ${JSON.stringify(d.terms)}, ${JSON.stringify(d.buyer)},
        ${JSON.stringify(d.seller)}, ${d.buyerSignature}, ${d.sellerSignature}, ${at})
      on conflict (pact_id) do nothing`.execute(tx)
  }

  async reset(tx: SchemaTx) {
    await sql`delete from ${sql.id(this.schema)}.jury_pacts`.execute(tx)
    await sql`delete from ${sql.id(this.schema)}.jury_room_excerpts
      where context = 'pacts'`.execute(tx)
  }
}

/** Escrow's completions (deliverable, each condition's result), for the evidence package. */
@EventConsumer({ name: 'jury-completions', context: 'escrow', rebuildable: true })
@Injectable()
export class JuryCompletionsProjection {
  constructor(@Inject(SERVICE_SCHEMA) private readonly schema: string) {}

  @On('CompletionSubmitted')
  async submitted(tx: SchemaTx, e: AnyEnvelope) {
    const d = CompletionSubmitted.parse(e.data)
    // the latest completion of an escrow is the one disputed
    await sql`insert into ${sql.id(this.schema)}.jury_completions (escrow_id, pact_id,
        completion, submitted_at)
      values (${d.escrowId}, ${d.pactId}, ${JSON.stringify(d)}, ${d.submittedAt})
      on conflict (escrow_id) do update set completion = excluded.completion,
        submitted_at = excluded.submitted_at
      where ${sql.id(this.schema, 'jury_completions')}.submitted_at <= excluded.submitted_at`.execute(
      tx,
    )
    await recordExcerpt(tx, this.schema, 'escrow', e)
  }

  /** The escrow's other steps, for the room excerpt. */
  @On('EscrowCreated')
  @On('EscrowDeadlineExtended')
  @On('DisputeOpened')
  excerpt(tx: SchemaTx, e: AnyEnvelope) {
    return recordExcerpt(tx, this.schema, 'escrow', e)
  }

  async reset(tx: SchemaTx) {
    await sql`delete from ${sql.id(this.schema)}.jury_completions`.execute(tx)
    await sql`delete from ${sql.id(this.schema)}.jury_room_excerpts
      where context = 'escrow'`.execute(tx)
  }
}
