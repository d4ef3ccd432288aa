import { sql } from 'kysely'
import type { RoomCheckpoint, RoomEntry } from '@tessera/contracts'
import type { SchemaDb, SchemaTx } from '@tessera/event-store'

type Db = SchemaDb | SchemaTx

export interface RoomRow {
  roomId: string
  buyerOrgId: string | null
  sellerOrgId: string | null
  entryCount: number
  headHash: string
}

/** The room of `pactId`; with `orgId`, only when that org is the buyer's or the seller's. */
export async function findRoom(
  db: Db,
  schema: string,
  pactId: string,
  orgId?: string,
): Promise<RoomRow | undefined> {
  const { rows } = await sql<{
    room_id: string
    buyer_org_id: string | null
    seller_org_id: string | null
    entry_count: number
    head_hash: string
  }>`select room_id, buyer_org_id, seller_org_id, entry_count, head_hash
    from ${sql.id(schema)}.rooms
    where room_id = ${pactId}
      and (${orgId ?? null}::text is null or ${orgId ?? null} in (buyer_org_id, seller_org_id))`.execute(
    db,
  )
  const r = rows[0]
  return r
    ? {
        roomId: r.room_id,
        buyerOrgId: r.buyer_org_id,
        sellerOrgId: r.seller_org_id,
        entryCount: r.entry_count,
        headHash: r.head_hash,
      }
    : undefined
}

/** Entries after seq `after`, oldest first, at most `limit`. */
export async function roomEntries(
  db: Db,
  schema: string,
  roomId: string,
  after: number,
  limit: number,
): Promise<RoomEntry[]> {
  const { rows } = await sql<{
    seq: number
    event_id: string
    context: string
    type: string
    data: unknown
    occurred_at: Date
    prev_hash: string
    entry_hash: string
  }>`select seq, event_id, context, type, data, occurred_at, prev_hash, entry_hash
    from ${sql.id(schema)}.room_entries
    where room_id = ${roomId} and seq > ${after}
    order by seq limit ${limit}`.execute(db)
  return rows.map((r) => ({
    roomId,
    seq: r.seq,
    eventId: r.event_id,
    context: r.context,
    type: r.type,
    data: r.data,
    occurredAt: r.occurred_at.toISOString(),
    prevHash: r.prev_hash,
    entryHash: r.entry_hash,
  }))
}

/** The seq of the entry an event made, if it made one. */
export async function entrySeqOf(
  db: Db,
  schema: string,
  roomId: string,
  eventId: string,
): Promise<number | undefined> {
  const { rows } = await sql<{ seq: number }>`select seq from ${sql.id(schema)}.room_entries
    where room_id = ${roomId} and event_id = ${eventId}`.execute(db)
  return rows[0]?.seq
}

export async function roomCheckpoints(
  db: Db,
  schema: string,
  roomId: string,
): Promise<RoomCheckpoint[]> {
  const { rows } = await sql<{
    entry_count: number
    head_hash: string
    signed_at: Date
    key_id: string
    signature: string
  }>`select entry_count, head_hash, signed_at, key_id, signature
    from ${sql.id(schema)}.room_checkpoints where room_id = ${roomId}
    order by entry_count`.execute(db)
  return rows.map((r) => ({
    roomId,
    entryCount: r.entry_count,
    headHash: r.head_hash,
    signedAt: r.signed_at.toISOString(),
    keyId: r.key_id,
    signature: r.signature,
  }))
}

/** The `entryHash` of each of the given entries of a room, by seq. */
export async function entryHashes(
  db: Db,
  schema: string,
  roomId: string,
  seqs: readonly number[],
): Promise<Map<number, string>> {
  if (seqs.length === 0) return new Map()
  const { rows } = await sql<{ seq: number; entry_hash: string }>`
    select seq, entry_hash from ${sql.id(schema)}.room_entries
    where room_id = ${roomId} and seq = any(${[...seqs]}::int[])`.execute(db)
  return new Map(rows.map((r) => [r.seq, r.entry_hash]))
}
