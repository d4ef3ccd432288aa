import { sql } from 'kysely'
import type {
  Dispute,
  DisputeStatus,
  JudgeRecord,
  Page,
  PactParty,
  PactTerms,
} from '@tessera/contracts'
import type { SchemaDb, SchemaTx } from '@tessera/event-store'
import { type PageCursor, pageOf } from '@tessera/service-kit'
import { DEFAULT_JURY_POLICY } from '../domain/jury-policy/jury-policy.decider.ts'
import type { Completion, SignedPact } from '../domain/dispute/evidence.ts'
import type { RoomExcerptEntry } from '../domain/dispute/room-excerpt.ts'

type Db = SchemaDb | SchemaTx

interface DisputeRow {
  dispute_id: string
  escrow_id: string
  pact_id: string
  buyer: PactParty
  seller: PactParty
  claimant: 'buyer' | 'seller'
  disputed_by: string
  reason: string
  amount: string
  status: DisputeStatus
  opened_at: Date
  respond_by: Date
  responded_at: Date | null
  round: number
  attempt: number
  verdict: Dispute['verdict']
  appealable_until: Date | null
  appeal: Dispute['appeal']
}

const iso = (d: Date | null) => (d ? d.toISOString() : null)

/** A row as the API answers it; a round-1 verdict past its appeal window reads as final. */
function toDispute(r: DisputeRow, now = new Date()): Dispute {
  const lapsed = r.status === 'decided' && r.appealable_until !== null && r.appealable_until <= now
  return {
    disputeId: r.dispute_id,
    escrowId: r.escrow_id,
    pactId: r.pact_id,
    status: lapsed ? 'final' : r.status,
    claimant: r.claimant,
    disputedBy: r.disputed_by,
    reason: r.reason,
    buyer: r.buyer,
    seller: r.seller,
    amount: r.amount,
    openedAt: r.opened_at.toISOString(),
    respondBy: r.respond_by.toISOString(),
    respondedAt: iso(r.responded_at),
    round: r.round,
    attempt: r.attempt,
    verdict: r.verdict,
    appealableUntil: iso(r.appealable_until),
    appeal: r.appeal,
  }
}

/** The dispute, if `orgId` is one of its parties' orgs. */
export async function findDispute(
  db: Db,
  schema: string,
  orgId: string,
  disputeId: string,
): Promise<Dispute | undefined> {
  const { rows } = await sql<DisputeRow>`select * from ${sql.id(schema)}.disputes
    where dispute_id = ${disputeId}
      and (buyer_org_id = ${orgId} or seller_org_id = ${orgId})`.execute(db)
  return rows[0] && toDispute(rows[0])
}

/** The org's disputes as buyer or seller, newest first. */
export async function listDisputes(
  db: Db,
  schema: string,
  orgId: string,
  q: { limit: number; after?: PageCursor | undefined; status?: DisputeStatus | undefined },
): Promise<Page<Dispute>> {
  // a first verdict past its appeal window reads as final, in the filter as in the answer
  const status =
    q.status === 'final'
      ? sql`and (status = 'final' or (status = 'decided' and appealable_until <= now()))`
      : q.status === 'decided'
        ? sql`and status = 'decided' and appealable_until > now()`
        : q.status
          ? sql`and status = ${q.status}`
          : sql``
  const after = q.after
    ? sql`and (opened_at, dispute_id) < (${q.after.at}::timestamptz, ${q.after.id})`
    : sql``
  const { rows } = await sql<DisputeRow>`select * from ${sql.id(schema)}.disputes
    where (buyer_org_id = ${orgId} or seller_org_id = ${orgId}) ${status} ${after}
    order by opened_at desc, dispute_id desc limit ${q.limit + 1}`.execute(db)
  return pageOf(
    rows.map((r) => toDispute(r)),
    q.limit,
    (d) => ({ at: d.openedAt, id: d.disputeId }),
  )
}

export async function findPactOf(db: Db, schema: string, pactId: string) {
  const { rows } = await sql<{
    pact_id: string
    pact_hash: string
    terms: PactTerms
    buyer: PactParty
    seller: PactParty
    buyer_signature: string
    seller_signature: string
  }>`select * from ${sql.id(schema)}.jury_pacts where pact_id = ${pactId}`.execute(db)
  const r = rows[0]
  if (!r) return null
  return {
    pactId: r.pact_id,
    pactHash: r.pact_hash,
    terms: r.terms,
    buyer: r.buyer,
    seller: r.seller,
    buyerSignature: r.buyer_signature,
    sellerSignature: r.seller_signature,
  } satisfies SignedPact
}

export async function findCompletionOf(
  db: Db,
  schema: string,
  escrowId: string,
): Promise<Completion | null> {
  const { rows } = await sql<{ completion: Completion }>`select completion
    from ${sql.id(schema)}.jury_completions where escrow_id = ${escrowId}`.execute(db)
  const c = rows[0]?.completion
  if (!c) return null
  return {
    deliverableHash: c.deliverableHash,
    deliverable: c.deliverable,
    completionTimeUtc: c.completionTimeUtc,
    executionMetrics: c.executionMetrics,
    verification: c.verification,
    results: c.results,
  }
}

/** The room excerpt of a pact: every event jury kept of it (`roomExcerpt` picks the latest). */
export async function findRoomExcerptOf(
  db: Db,
  schema: string,
  pactId: string,
): Promise<RoomExcerptEntry[]> {
  const { rows } = await sql<{
    event_id: string
    context: 'pacts' | 'escrow'
    type: string
    occurred_at: Date
    summary: Record<string, unknown>
  }>`select event_id, context, type, occurred_at, summary
    from ${sql.id(schema)}.jury_room_excerpts where pact_id = ${pactId}`.execute(db)
  return rows.map((r) => ({
    eventId: r.event_id,
    context: r.context,
    type: r.type,
    occurredAt: r.occurred_at.toISOString(),
    summary: r.summary,
  }))
}

/** The seats of a first panel: the larger of both parties' policies (default five). */
export async function panelSizeOf(db: Db, schema: string, orgIds: string[]): Promise<number> {
  const { rows } = await sql<{ judges: number }>`select judges
    from ${sql.id(schema)}.jury_policies where org_id = any(${orgIds})`.execute(db)
  return rows.length ? Math.max(...rows.map((r) => r.judges)) : DEFAULT_JURY_POLICY.judges
}

/** Each judge's record on the disputes of `orgId` (as buyer or seller). */
export async function judgeRecords(db: Db, schema: string, orgId: string): Promise<JudgeRecord[]> {
  const { rows } = await sql<{
    judge_config: string
    provider: JudgeRecord['provider']
    model: string
    seats: string
    votes: string
    excluded: string
    coherent: string
  }>`select judge_config, provider, model, count(*) as seats,
      count(*) filter (where coherent is not null) as votes,
      count(*) filter (where excluded_reason is not null) as excluded,
      count(*) filter (where coherent) as coherent
    from ${sql.id(schema)}.judge_votes
    where buyer_org_id = ${orgId} or seller_org_id = ${orgId}
    group by judge_config, provider, model order by judge_config, model`.execute(db)
  return rows.map((r) => {
    const votes = Number(r.votes)
    return {
      judgeId: r.judge_config,
      provider: r.provider,
      model: r.model,
      seats: Number(r.seats),
      votes,
      excluded: Number(r.excluded),
      coherent: Number(r.coherent),
      coherence: votes ? Number(r.coherent) / votes : null,
    }
  })
}
