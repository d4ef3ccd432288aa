import { sql } from 'kysely'
import type { SchemaDb, SchemaTx } from '@tessera/event-store'
import type { CardAgent } from '../domain/card/agent-card.ts'
import type { CardHolder } from '../domain/card/agent-card.decider.ts'

type Db = SchemaDb | SchemaTx

/** A published card as stored: its JSON exactly as served, and what it was signed with. */
export interface StoredCard {
  agentId: string
  orgId: string
  /** The signed card's JSON. */
  card: string
  cardHash: string
  kid: string
  publishedAt: string
}

interface CardRow {
  agent_id: string
  org_id: string
  card: string
  card_hash: string
  kid: string
  published_at: Date
}

/**
 * The org's agent as a card needs it, or undefined. `for share` holds off a concurrent
 * revocation until this transaction ends, so the revocation then sees (and withdraws) the card.
 */
export async function findCardAgent(
  db: Db,
  schema: string,
  orgId: string,
  agentId: string,
): Promise<(CardAgent & CardHolder) | undefined> {
  const { rows } = await sql<{
    agent_id: string
    org_id: string
    name: string
    framework: string
    capabilities: string[]
    metadata: Record<string, unknown>
    handle: string
    did: string | null
    status: 'active' | 'revoked'
  }>`select agent_id, org_id, name, framework, capabilities, metadata, handle, did, status
    from ${sql.id(schema)}.agents
    where org_id = ${orgId} and agent_id = ${agentId}
    for share`.execute(db)
  const r = rows[0]
  return (
    r && {
      agentId: r.agent_id,
      orgId: r.org_id,
      name: r.name,
      framework: r.framework,
      capabilities: r.capabilities,
      metadata: r.metadata,
      handle: `A-${r.handle}`,
      did: r.did ?? undefined,
      status: r.status,
    }
  )
}

/**
 * Keeps a signed card under the hash and key its AgentCardPublished will name, for the
 * projection to serve (and a rebuild to find). The same hash and key are the same card.
 */
export async function storeCardDocument(db: Db, schema: string, card: SignedCardJson) {
  await sql`insert into ${sql.id(schema)}.agent_card_documents (card_hash, kid, card)
    values (${card.cardHash}, ${card.kid}, ${card.json})
    on conflict do nothing`.execute(db)
}

export interface SignedCardJson {
  cardHash: string
  kid: string
  json: string
}

/** The agent's published card, whoever asks: it is public. */
export async function findPublishedCard(
  db: Db,
  schema: string,
  agentId: string,
): Promise<StoredCard | undefined> {
  const { rows } = await sql<CardRow>`select * from ${sql.id(schema)}.agent_cards
    where agent_id = ${agentId}`.execute(db)
  return rows[0] && toStored(rows[0])
}

/**
 * Guardian's card signing key: the stored one, or `generated` stored now. Replicas starting
 * together may each generate one; the first insert wins and every replica reads the winner.
 */
export async function storedSigningKey(
  db: SchemaDb,
  schema: string,
  generate: () => Promise<string>,
): Promise<string> {
  const read = async () => {
    const { rows } = await sql<{ private_key_pem: string }>`select private_key_pem
      from ${sql.id(schema)}.card_signing_keys where slot = 'default'`.execute(db)
    return rows[0]?.private_key_pem
  }
  const stored = await read()
  if (stored) return stored
  await sql`insert into ${sql.id(schema)}.card_signing_keys (slot, private_key_pem)
    values ('default', ${await generate()}) on conflict (slot) do nothing`.execute(db)
  const winner = await read()
  if (!winner) throw new Error('card signing key: inserted, yet not found')
  return winner
}

function toStored(r: CardRow): StoredCard {
  return {
    agentId: r.agent_id,
    orgId: r.org_id,
    card: r.card,
    cardHash: r.card_hash,
    kid: r.kid,
    publishedAt: r.published_at.toISOString(),
  }
}
