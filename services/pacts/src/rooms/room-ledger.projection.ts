import { type RawBuilder, sql } from 'kysely'
import { type Envelope, RoomCheckpointSigned } from '@tessera/contracts'
import type { SchemaTx } from '@tessera/event-store'
import { type InlineProjection, onEvent } from '@tessera/service-kit'
import {
  EMPTY_ROOM,
  ROOM_ENTRY_TYPES,
  type RoomSource,
  chainEntry,
  roomPartiesOf,
  roomSourceOf,
} from '../domain/rooms/room-ledger.ts'

const TABLES = ['rooms', 'room_entries', 'room_checkpoints'] as const

const checkpointSigned = onEvent(RoomCheckpointSigned, (tx, s, d) =>
  sql`insert into ${s}.room_checkpoints
      (room_id, entry_count, head_hash, signed_at, key_id, signature)
    values (${d.roomId}, ${d.entryCount}, ${d.headHash}, ${d.signedAt}, ${d.keyId}, ${d.signature})
    on conflict (room_id, entry_count) do nothing`.execute(tx),
)

/**
 * Every pact's room, as an inline projection of pacts' own log: each event about a pact (its
 * own, and escrow's, jury's and scoring's as `RoomEventRecorded` carries them) is chained onto
 * its room in the append's transaction, under the room's head row lock; checkpoints are stored
 * as `RoomCheckpointSigned` says. A rebuild replays the same events in the same order (the
 * `events_room_order` trigger sees to that) and so computes the same hashes.
 */
export const roomLedgerProjection: InlineProjection = {
  name: 'rooms',
  tables: TABLES,
  handles: [...ROOM_ENTRY_TYPES, 'RoomCheckpointSigned'],
  async evolve(tx, schema, event) {
    const s = sql.id(schema)
    if (event.type === 'RoomCheckpointSigned') return checkpointSigned.apply(tx, s, event)
    const source = roomSourceOf(event)
    if (source) await appendEntry(tx, s, source, event)
  },
}

async function appendEntry(
  tx: SchemaTx,
  s: RawBuilder<unknown>,
  source: RoomSource,
  event: Envelope,
): Promise<void> {
  const { buyerOrgId = null, sellerOrgId = null } =
    source.context === 'pacts' ? roomPartiesOf(source.data) : {}
  // The upsert locks the head row until commit: a concurrent append to this room waits here
  // and then reads the head this one left.
  const { rows } = await sql<{ entry_count: number; head_hash: string }>`
    insert into ${s}.rooms (room_id, buyer_org_id, seller_org_id, entry_count, head_hash,
      opened_at, updated_at)
    values (${source.pactId}, ${buyerOrgId}, ${sellerOrgId}, ${EMPTY_ROOM.entryCount},
      ${EMPTY_ROOM.headHash}, ${event.metadata.occurredAt}, ${event.metadata.occurredAt})
    on conflict (room_id) do update set
      buyer_org_id = coalesce(${s}.rooms.buyer_org_id, excluded.buyer_org_id),
      seller_org_id = coalesce(${s}.rooms.seller_org_id, excluded.seller_org_id)
    returning entry_count, head_hash`.execute(tx)
  const head = rows[0]!
  const entry = chainEntry({ entryCount: head.entry_count, headHash: head.head_hash }, source)
  await sql`insert into ${s}.room_entries (room_id, seq, event_id, context, type, data,
      occurred_at, prev_hash, entry_hash)
    values (${entry.roomId}, ${entry.seq}, ${entry.eventId}, ${entry.context}, ${entry.type},
      ${JSON.stringify(entry.data)}::jsonb, ${entry.occurredAt}, ${entry.prevHash},
      ${entry.entryHash})`.execute(tx)
  await sql`update ${s}.rooms set entry_count = ${entry.seq}, head_hash = ${entry.entryHash},
      updated_at = ${event.metadata.occurredAt}
    where room_id = ${entry.roomId}`.execute(tx)
}
