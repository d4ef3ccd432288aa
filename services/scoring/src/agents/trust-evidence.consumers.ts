import { Inject, Injectable } from '@nestjs/common'
import { sql } from 'kysely'
import type { AnyEnvelope } from '@tessera/contracts'
import type { SchemaTx } from '@tessera/event-store'
import { EVENT_LOG, EventConsumer, type EventLog, On, SERVICE_SCHEMA } from '@tessera/service-kit'
import { type Evidence, SCORED_EVENTS, linksOf, toEvidence } from '../domain/trust/evidence.ts'
import { applyEvidence } from '../domain/trust/trust-projection.ts'
import { PgEvidenceStore, lockProfiles } from './pg-evidence-store.ts'

/**
 * Agent trust profiles, fed by four contexts. Each event only stages its evidence; once per
 * batch (`afterBatch`, same transaction as the checkpoint) the evidence is stored as a set and
 * every agent it touches is recomputed (trust-projection.ts). A rebuild of one context deletes
 * that context's evidence and replays it: the set, hence every profile, comes out the same.
 */
/**
 * Each batch recomputes the agents it touches once, so its cost is mostly per batch: big
 * batches amortise it. At 2,000 (with the consumer's 1,000 unacked messages at most, so in
 * fact 1,000) the lag at 10k events/s was 17 s at p99; at 10,000, with a batch's ScoreChanged
 * appended in one statement, 1.8 s. Over a 1M-event history a batch costs seconds whatever its
 * size (every touched agent recomputed), so a consumer that is behind catches up in bigger ones:
 * at 50,000 the 1M bench's catch-up took 246 s against 573 s at 10,000 (docs/trust-model.md).
 * When it is not behind, a batch is what arrived within TRUST_MAX_WAIT_MS.
 */
export const TRUST_BATCH = 50_000
/** So a live batch waits up to this long to fill up instead of going at every lull. */
const TRUST_MAX_WAIT_MS = 100

abstract class TrustEvidenceConsumer {
  private readonly staged = new Map<SchemaTx, Evidence[]>()

  constructor(
    private readonly schema: string,
    private readonly log: EventLog,
    private readonly context: string,
  ) {}

  protected stage(tx: SchemaTx, e: AnyEnvelope): Promise<void> {
    const evidence = toEvidence({ type: e.type, data: e.data, eventId: e.metadata.eventId })
    const list = this.staged.get(tx)
    if (list) list.push(...evidence)
    else this.staged.set(tx, evidence)
    return Promise.resolve()
  }

  async afterBatch(tx: SchemaTx): Promise<void> {
    const evidence = this.staged.get(tx) ?? []
    this.staged.delete(tx)
    const store = new PgEvidenceStore(tx, this.schema, this.context, this.log)
    // While this context is rebuilt, only the evidence set is refilled: every profile is
    // recomputed once at the end (afterRebuild, under the lock), which is what makes a rebuild
    // fast. Adding to a set needs no lock, so a replay does not queue behind the live batches
    // of the other contexts meanwhile. Why that is safe: no live batch of this context runs
    // during its rebuild (the projection's lock), so `rebuilding` cannot change under it; the
    // rows it adds are its own context's; profiles the other contexts write meanwhile from the
    // half-refilled set publish nothing (any context rebuilding holds ScoreChanged back), and
    // afterRebuild recomputes every profile after the last replayed batch has committed.
    if (await store.rebuilding(this.context)) {
      await store.add(evidence, evidence.flatMap(linksOf))
      return
    }
    // The four consumers run concurrently: without one lock, two batches could each recompute an
    // agent without the other's uncommitted evidence, and the last commit would miss some.
    await this.lock(tx)
    await applyEvidence(store, evidence)
  }

  /** The rebuild is done: every profile from the whole evidence set, then the net moves published. */
  async afterRebuild(tx: SchemaTx): Promise<void> {
    await this.lock(tx)
    const store = new PgEvidenceStore(tx, this.schema, this.context, this.log)
    await store.rebuilt(this.context)
    await store.reprofileAll()
  }

  private lock(tx: SchemaTx): Promise<void> {
    return lockProfiles(tx, this.schema)
  }

  async reset(tx: SchemaTx): Promise<void> {
    const s = sql.id(this.schema)
    await sql`insert into ${s}.trust_rebuilding (context) values (${this.context})
      on conflict do nothing`.execute(tx)
    await sql`delete from ${s}.trust_evidence where context = ${this.context}`.execute(tx)
    await sql`delete from ${s}.trust_links where context = ${this.context}`.execute(tx)
  }
}

/**
 * A trust consumer of one context: it stages every event type scoring reads there
 * (SCORED_EVENTS), so the handled types and the scored types cannot drift apart.
 */
function TrustConsumer(context: keyof typeof SCORED_EVENTS) {
  return (target: abstract new (...args: never[]) => unknown): void => {
    EventConsumer({
      name: `trust-${context}`,
      context,
      rebuildable: true,
      batchSize: TRUST_BATCH,
      maxWaitMs: TRUST_MAX_WAIT_MS,
      // The evidence is a set keyed by event (insert if absent) and a batch recomputes what it
      // touches: a redelivered event changes nothing, so no inbox row is kept per event.
      idempotent: true,
    })(target)
    for (const type of SCORED_EVENTS[context]) On(type)(target.prototype as object, 'stage')
  }
}

@TrustConsumer('escrow')
@Injectable()
export class EscrowTrustEvidence extends TrustEvidenceConsumer {
  constructor(@Inject(SERVICE_SCHEMA) schema: string, @Inject(EVENT_LOG) log: EventLog) {
    super(schema, log, 'escrow')
  }
}

@TrustConsumer('jury')
@Injectable()
export class JuryTrustEvidence extends TrustEvidenceConsumer {
  constructor(@Inject(SERVICE_SCHEMA) schema: string, @Inject(EVENT_LOG) log: EventLog) {
    super(schema, log, 'jury')
  }
}

@TrustConsumer('pacts')
@Injectable()
export class PactsTrustEvidence extends TrustEvidenceConsumer {
  constructor(@Inject(SERVICE_SCHEMA) schema: string, @Inject(EVENT_LOG) log: EventLog) {
    super(schema, log, 'pacts')
  }
}

@TrustConsumer('guardian')
@Injectable()
export class GuardianTrustEvidence extends TrustEvidenceConsumer {
  constructor(@Inject(SERVICE_SCHEMA) schema: string, @Inject(EVENT_LOG) log: EventLog) {
    super(schema, log, 'guardian')
  }
}

export const trustEvidenceConsumers = [
  EscrowTrustEvidence,
  JuryTrustEvidence,
  PactsTrustEvidence,
  GuardianTrustEvidence,
]
