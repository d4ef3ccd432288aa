import { sql } from 'kysely'
import type { Envelope } from '@tessera/contracts'
import {
  CompletionSubmitted,
  DisputeOpened,
  EscrowCreated,
  EscrowDeadlineExtended,
  EscrowRefunded,
  EscrowReleased,
  EscrowSettled,
} from '@tessera/contracts'
import type { SchemaTx } from '@tessera/event-store'
import type { InlineProjection } from '@tessera/service-kit'

/** The columns an event sets on its escrow's row; each comes from the event. */
interface Patch {
  status?: string
  deadline_utc?: string
  verification?: string
  results?: string
  dispute_id?: string
  settlement?: string
  updated_at: string
}

const settled = (status: string, at: string, s: Record<string, string>): Patch => ({
  status,
  settlement: JSON.stringify(s),
  updated_at: at,
})

/** What each event type writes: a patch of its escrow's row (EscrowCreated: the row). */
const patches: Record<string, (data: unknown) => Patch> = {
  CompletionSubmitted: (d) => {
    const e = CompletionSubmitted.parse(d)
    return {
      verification: e.verification,
      results: JSON.stringify(e.results),
      updated_at: e.submittedAt,
    }
  },
  EscrowReleased: (d) => {
    const e = EscrowReleased.parse(d)
    return settled('released', e.releasedAt, {
      basis: 'release',
      sellerAmount: e.sellerAmount,
      buyerAmount: '0',
      fee: e.fee,
      at: e.releasedAt,
    })
  },
  EscrowDeadlineExtended: (d) => {
    const e = EscrowDeadlineExtended.parse(d)
    return { deadline_utc: e.deadlineUtc, updated_at: e.extendedAt }
  },
  EscrowRefunded: (d) => {
    const e = EscrowRefunded.parse(d)
    return settled('refunded', e.refundedAt, {
      basis: 'refund',
      sellerAmount: '0',
      buyerAmount: e.amount,
      fee: '0',
      at: e.refundedAt,
    })
  },
  DisputeOpened: (d) => {
    const e = DisputeOpened.parse(d)
    return { status: 'disputed', dispute_id: e.disputeId, updated_at: e.openedAt }
  },
  EscrowSettled: (d) => {
    const e = EscrowSettled.parse(d)
    return settled('settled', e.settledAt, {
      basis: e.basis,
      sellerAmount: e.sellerAmount,
      buyerAmount: e.buyerAmount,
      fee: e.fee,
      at: e.settledAt,
    })
  },
}

type Patched = Exclude<keyof Patch, 'updated_at'>

/**
 * `escrows`: one row per escrow, what `GET /v1/escrows/:id` answers; every time from its event.
 * A group commit's events are written in two statements, however many: each escrow's events
 * fold into one patch of its row (a later event's column wins, as if written one by one), the
 * new escrows are inserted whole and the others updated column by column.
 */
export const escrowsProjection: InlineProjection = {
  name: 'escrows',
  tables: ['escrows'],
  handles: ['EscrowCreated', ...Object.keys(patches)],
  evolve: (tx, schema, event) => writeEscrows(tx, schema, [event]),
  evolveMany: writeEscrows,
}

async function writeEscrows(tx: SchemaTx, schema: string, events: readonly Envelope[]) {
  const created = new Map<string, EscrowCreated>()
  const patched = new Map<string, Patch>()
  for (const event of events) {
    const escrowId = (event.data as { escrowId: string }).escrowId
    if (event.type === 'EscrowCreated') {
      created.set(escrowId, EscrowCreated.parse(event.data))
      continue
    }
    const patch = patches[event.type]?.(event.data)
    if (patch) patched.set(escrowId, { ...patched.get(escrowId), ...patch })
  }
  const s = sql.id(schema)
  const rows = [...created.values()].map((e) => {
    const p: Partial<Patch> = patched.get(e.escrowId) ?? {}
    return sql`(${e.escrowId}, ${e.pactId}, ${e.buyer.agentId}, ${e.buyer.orgId},
      ${e.seller.agentId}, ${e.seller.orgId}, ${p.status ?? 'locked'}, ${e.conditionHash},
      ${e.amount}::numeric, ${e.arbiter}, ${p.deadline_utc ?? e.deadlineUtc}, ${e.transferId},
      ${p.verification ?? null}, ${p.results ?? '[]'}::jsonb, ${p.dispute_id ?? null},
      ${p.settlement ?? null}::jsonb, ${e.createdAt}::timestamptz,
      ${p.updated_at ?? e.createdAt}::timestamptz)`
  })
  const updates = [...patched].filter(([id]) => !created.has(id))
  const column = (c: Patched) => updates.map(([, p]) => p[c] ?? null)
  if (rows.length > 0) {
    await sql`insert into ${s}.escrows (escrow_id, pact_id, buyer_agent_id, buyer_org_id,
        seller_agent_id, seller_org_id, status, condition_hash, amount, arbiter, deadline_utc,
        transfer_id, verification, results, dispute_id, settlement, created_at, updated_at)
      values ${sql.join(rows)}`.execute(tx)
  }
  if (updates.length > 0) {
    await sql`update ${s}.escrows e set status = coalesce(v.status, e.status),
        deadline_utc = coalesce(v.deadline_utc, e.deadline_utc),
        verification = coalesce(v.verification, e.verification),
        results = coalesce(v.results, e.results), dispute_id = coalesce(v.dispute_id, e.dispute_id),
        settlement = coalesce(v.settlement, e.settlement), updated_at = v.updated_at
      from unnest(${updates.map(([id]) => id)}::text[], ${column('status')}::text[],
          ${column('deadline_utc')}::text[], ${column('verification')}::text[],
          ${column('results')}::jsonb[], ${column('dispute_id')}::text[],
          ${column('settlement')}::jsonb[], ${updates.map(([, p]) => p.updated_at)}::timestamptz[])
        as v(escrow_id, status, deadline_utc, verification, results, dispute_id, settlement,
          updated_at)
      where e.escrow_id = v.escrow_id`.execute(tx)
  }
}
