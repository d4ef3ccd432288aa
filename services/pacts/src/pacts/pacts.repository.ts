import { sql } from 'kysely'
import type { Page, Pact, PactParty, PactRound, PactStatus, PactTerms } from '@tessera/contracts'
import type { SchemaDb, SchemaTx } from '@tessera/event-store'
import { type PageCursor, pageOf } from '@tessera/service-kit'

type Db = SchemaDb | SchemaTx

interface PactRow {
  pact_id: string
  pact_hash: string
  terms: PactTerms
  status: PactStatus
  buyer: PactParty
  seller: PactParty
  signatures: { buyer?: string; seller?: string }
  rounds: PactRound[]
  awaiting: string | null
  expires_at: Date | null
  created_at: Date
  updated_at: Date
}

/** A pact as either party's org sees it; undefined for any other org. */
export async function findPact(
  db: Db,
  schema: string,
  orgId: string,
  pactId: string,
): Promise<Pact | undefined> {
  const { rows } = await sql<PactRow>`select * from ${sql.id(schema)}.pacts
    where pact_id = ${pactId} and (buyer_org_id = ${orgId} or seller_org_id = ${orgId})`.execute(db)
  return rows[0] && toView(rows[0])
}

/** The org's pacts, as buyer or seller, newest first. */
export async function listPacts(
  db: Db,
  schema: string,
  orgId: string,
  q: {
    limit: number
    after?: PageCursor | undefined
    status?: PactStatus | undefined
    agentId?: string | undefined
  },
): Promise<Page<Pact>> {
  const status = q.status ? sql`and status = ${q.status}` : sql``
  const agent = q.agentId
    ? sql`and (buyer_agent_id = ${q.agentId} or seller_agent_id = ${q.agentId})`
    : sql``
  const after = q.after
    ? sql`and (created_at, pact_id) < (${q.after.at}::timestamptz, ${q.after.id})`
    : sql``
  const { rows } = await sql<PactRow>`select * from ${sql.id(schema)}.pacts
    where (buyer_org_id = ${orgId} or seller_org_id = ${orgId}) ${status} ${agent} ${after}
    order by created_at desc, pact_id desc limit ${q.limit + 1}`.execute(db)
  return pageOf(rows.map(toView), q.limit, (p) => ({ at: p.createdAt, id: p.pactId }))
}

/** The pact that used this nonce under this proposer's scope (`nonceScope`: its did:key), if any. */
export async function nonceUsedBy(
  db: Db,
  schema: string,
  scope: string | undefined,
  nonce: unknown,
): Promise<string | null> {
  if (!scope || typeof nonce !== 'string') return null
  const { rows } = await sql<{ pact_id: string }>`select pact_id from ${sql.id(schema)}.pact_nonces
    where agent_id = ${scope} and nonce = ${nonce}`.execute(db)
  return rows[0]?.pact_id ?? null
}

function toView(r: PactRow): Pact {
  return {
    pactId: r.pact_id,
    pactHash: r.pact_hash,
    terms: r.terms,
    status: r.status,
    parties: { buyer: r.buyer, seller: r.seller },
    signatures: r.signatures,
    rounds: r.rounds,
    awaiting: r.awaiting,
    expiresAt: r.expires_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  }
}
