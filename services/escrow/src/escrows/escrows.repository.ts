import { sql } from 'kysely'
import type { Escrow, PactCondition, PactParty } from '@tessera/contracts'
import type { SchemaDb, SchemaTx } from '@tessera/event-store'
import type { PactFacts } from '../domain/escrow/escrow.decider.ts'
import { agentAccountId } from '../domain/ledger/ledger.accounts.ts'

type Db = SchemaDb | SchemaTx

interface PactRow {
  pact_id: string
  pact_hash: string
  amount: string
  deadline_utc: string
  arbiter: string
  buyer: PactParty
  seller: PactParty
  conditions: PactCondition[]
}

/** `escrow_pacts`' columns as {@link toPactFacts} reads them (the amount as text, exact). */
const PACT_COLUMNS = sql`pact_id, pact_hash, amount::text as amount, deadline_utc, arbiter,
  buyer, seller, conditions`

const toPactFacts = (r: PactRow): PactFacts => ({
  pactId: r.pact_id,
  pactHash: r.pact_hash,
  amount: r.amount,
  deadlineUtc: r.deadline_utc,
  arbiter: r.arbiter,
  buyer: r.buyer,
  seller: r.seller,
  conditions: r.conditions,
})

/**
 * What creates need, in one round trip: each pact's facts (null when it has not arrived) and
 * the escrow it already has, if any; keyed by pact id.
 */
export async function pactsForCreate(
  db: Db,
  schema: string,
  pactIds: readonly string[],
): Promise<Map<string, { pact: PactFacts | null; existing: string | null }>> {
  if (pactIds.length === 0) return new Map()
  const s = sql.id(schema)
  const { rows } = await sql<PactRow & { id: string; existing: string | null }>`
    select ids.id, p.*, (select escrow_id from ${s}.escrows where pact_id = ids.id) as existing
    from unnest(${[...pactIds]}::text[]) as ids(id)
      left join (select ${PACT_COLUMNS} from ${s}.escrow_pacts) p on p.pact_id = ids.id`.execute(db)
  return new Map(
    rows.map((r) => [r.id, { pact: r.pact_id ? toPactFacts(r) : null, existing: r.existing }]),
  )
}

export async function sellerLastSeen(
  db: Db,
  schema: string,
  agentId: string,
): Promise<Date | null> {
  const { rows } = await sql<{ last_seen_at: Date }>`select last_seen_at
    from ${sql.id(schema)}.agent_last_seen where agent_id = ${agentId}`.execute(db)
  return rows[0]?.last_seen_at ?? null
}

export async function sellerOfEscrow(db: Db, schema: string, escrowId: string) {
  const { rows } = await sql<{ seller_agent_id: string }>`select seller_agent_id
    from ${sql.id(schema)}.escrows where escrow_id = ${escrowId}`.execute(db)
  return rows[0]?.seller_agent_id ?? null
}

interface EscrowRow {
  escrow_id: string
  pact_id: string
  buyer_agent_id: string
  seller_agent_id: string
  buyer_org_id: string
  seller_org_id: string
  status: Escrow['status']
  condition_hash: string
  amount: string
  arbiter: string
  deadline_utc: string
  transfer_id: string
  verification: Escrow['verification']
  results: Escrow['results']
  dispute_id: string | null
  settlement: Escrow['settlement']
  created_at: Date
  updated_at: Date
}

const ESCROW_COLUMNS = sql`e.escrow_id, e.pact_id, e.buyer_agent_id, e.seller_agent_id,
  e.buyer_org_id, e.seller_org_id, e.status, e.condition_hash, e.amount::text as amount,
  e.arbiter, e.deadline_utc, e.transfer_id, e.verification, e.results, e.dispute_id,
  e.settlement, e.created_at, e.updated_at`

/** An escrow asked for by an org: a party's org gets it, any other org nothing (a 404). */
export interface EscrowKey {
  orgId: string
  escrowId: string
}

const isParty = (r: EscrowRow, orgId: string) =>
  r.buyer_org_id === orgId || r.seller_org_id === orgId

/** Each key's row when its org is a party to it, else null; in the keys' order. */
function byKey<R extends EscrowRow>(rows: R[], keys: readonly EscrowKey[]): (R | null)[] {
  const byId = new Map(rows.map((r) => [r.escrow_id, r]))
  return keys.map(({ orgId, escrowId }) => {
    const r = byId.get(escrowId)
    return r && isParty(r, orgId) ? r : null
  })
}

/** An escrow the caller's org is a party to; null otherwise (another org's escrow is a 404). */
export async function findEscrow(
  db: Db,
  schema: string,
  orgId: string,
  escrowId: string,
): Promise<Escrow | null> {
  return (await findEscrows(db, schema, [{ orgId, escrowId }]))[0]!
}

/** {@link findEscrow} for several keys in one query, in their order. */
export async function findEscrows(
  db: Db,
  schema: string,
  keys: readonly EscrowKey[],
): Promise<(Escrow | null)[]> {
  const { rows } = await sql<EscrowRow>`select ${ESCROW_COLUMNS} from ${sql.id(schema)}.escrows e
    where e.escrow_id = any(${keys.map((k) => k.escrowId)}::text[])`.execute(db)
  return byKey(rows, keys).map((r) => r && toEscrow(r))
}

/** What a completion needs: the escrow, its pact and whether its seller is revoked. */
export interface CompletionFacts {
  escrow: Escrow
  pact: PactFacts | null
  sellerRevoked: boolean
}

/**
 * What completions need, in one round trip, in the keys' order: null where the org is not a
 * party to the escrow (a 404).
 */
export async function completionFacts(
  db: Db,
  schema: string,
  keys: readonly EscrowKey[],
): Promise<(CompletionFacts | null)[]> {
  if (keys.length === 0) return []
  const s = sql.id(schema)
  const { rows } = await sql<EscrowRow & { pact: PactRow | null; seller_revoked: boolean }>`
    select ${ESCROW_COLUMNS},
      (select to_jsonb(p) from (select ${PACT_COLUMNS} from ${s}.escrow_pacts
        where pact_id = e.pact_id) p) as pact,
      exists (select 1 from ${s}.revoked_agents where agent_id = e.seller_agent_id)
        as seller_revoked
    from ${s}.escrows e
    where e.escrow_id = any(${keys.map((k) => k.escrowId)}::text[])`.execute(db)
  return byKey(rows, keys).map(
    (r) =>
      r && {
        escrow: toEscrow(r),
        pact: r.pact ? toPactFacts(r.pact) : null,
        sellerRevoked: r.seller_revoked,
      },
  )
}

const toEscrow = (r: EscrowRow): Escrow => ({
  escrowId: r.escrow_id,
  status: r.status,
  pactId: r.pact_id,
  conditionHash: r.condition_hash,
  amount: r.amount,
  buyerAgentId: r.buyer_agent_id,
  sellerAgentId: r.seller_agent_id,
  arbiter: r.arbiter,
  deadlineUtc: r.deadline_utc,
  network: 'internal',
  txHash: r.transfer_id,
  verification: r.verification,
  results: r.results,
  disputeId: r.dispute_id,
  settlement: r.settlement,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
})

/**
 * An agent wallet's available funds (posted credits less posted and pending debits), the row
 * locked until the commit so the appeal fee charged from it cannot overdraw; 0 with no wallet.
 */
export async function availableFunds(tx: SchemaTx, schema: string, agentId: string) {
  const { rows } = await sql<{ available: string }>`select
      (credits_posted - debits_posted - debits_pending)::text as available
    from ${sql.id(schema)}.ledger_accounts where account_id = ${agentAccountId(agentId)}
    for update`.execute(tx)
  return rows[0] ? BigInt(rows[0].available) : 0n
}
