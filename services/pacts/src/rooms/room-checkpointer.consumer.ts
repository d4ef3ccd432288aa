import { Inject, Injectable } from '@nestjs/common'
import { sql } from 'kysely'
import type { AnyEnvelope, RoomCheckpointSigned } from '@tessera/contracts'
import { signRoomCheckpoint } from '@tessera/crypto'
import type { SchemaTx } from '@tessera/event-store'
import {
  CONFIG,
  EVENT_LOG,
  EventConsumer,
  type EventLog,
  On,
  SERVICE_SCHEMA,
  causedBy,
} from '@tessera/service-kit'
import { ROOM_CLOSING_EVENTS, checkpointsDue, roomSourceOf } from '../domain/rooms/room-ledger.ts'
import { RoomKeyring } from './room-keyring.ts'
import { entryHashes, entrySeqOf, findRoom } from './rooms.repository.ts'

/** The stream of what pacts appends about a room itself: checkpoints and recorded events. */
export const roomStreamId = (pactId: string) => `room-${pactId}`

/**
 * Signs a room's checkpoints as its entries arrive: at every `PACTS_ROOM_CHECKPOINT_EVERY`
 * entries and at the entry that closed the pact. A reactor on pacts' own events (after they
 * commit, so it sees the room they made): it appends `RoomCheckpointSigned`, which the room
 * projection stores; that event names a room, not a pact, so it makes no entry and no loop.
 */
@EventConsumer({ name: 'room-checkpointer', context: 'pacts' })
@Injectable()
export class RoomCheckpointer {
  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
    @Inject(CONFIG) private readonly config: { PACTS_ROOM_CHECKPOINT_EVERY: number },
    @Inject(RoomKeyring) private readonly keys: RoomKeyring,
  ) {}

  @On('*')
  async onPactsEvent(tx: SchemaTx, e: AnyEnvelope) {
    const source = roomSourceOf(e)
    if (!source) return
    const room = await findRoom(tx, this.schema, source.pactId)
    if (!room) return
    const closedAt = ROOM_CLOSING_EVENTS.has(`${source.context}/${source.type}`)
      ? await entrySeqOf(tx, this.schema, room.roomId, source.eventId)
      : undefined
    const { rows } = await sql<{ entry_count: number }>`select entry_count
      from ${sql.id(this.schema)}.room_checkpoints where room_id = ${room.roomId}`.execute(tx)
    const due = checkpointsDue({
      entryCount: room.entryCount,
      every: this.config.PACTS_ROOM_CHECKPOINT_EVERY,
      signed: rows.map((r) => r.entry_count),
      closedAt,
    })
    if (due.length === 0) return
    const heads = await entryHashes(tx, this.schema, room.roomId, due)
    const { keyId, secretKey } = this.keys.signingKey()
    const signedAt = new Date().toISOString()
    const events = due.map((entryCount) => {
      const body = { roomId: room.roomId, entryCount, headHash: heads.get(entryCount)!, signedAt }
      const data: RoomCheckpointSigned = {
        ...body,
        keyId,
        signature: signRoomCheckpoint(body, secretKey),
      }
      return { type: 'RoomCheckpointSigned', data }
    })
    await this.log.append(roomStreamId(room.roomId), 'any', events, causedBy(e, 'pacts'), tx)
  }
}
