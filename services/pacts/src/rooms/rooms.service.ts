import { Inject, Injectable } from '@nestjs/common'
import type { RoomPage } from '@tessera/contracts'
import type { SchemaDb } from '@tessera/event-store'
import { DB, NotFound, SERVICE_SCHEMA } from '@tessera/service-kit'
import { findRoom, roomCheckpoints, roomEntries } from './rooms.repository.ts'

@Injectable()
export class RoomsService {
  constructor(
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
  ) {}

  /**
   * A page of the room of `pactId`, for an org that is one of its parties; any other org (and an
   * unknown pact) gets the same 404. One snapshot, so the head, entries and checkpoints agree.
   */
  async page(orgId: string, pactId: string, after: number, limit: number): Promise<RoomPage> {
    return this.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (tx) => {
        const room = await findRoom(tx, this.schema, pactId, orgId)
        if (!room) throw NotFound('room', pactId)
        const rows = await roomEntries(tx, this.schema, room.roomId, after, limit + 1)
        const entries = rows.slice(0, limit)
        const last = entries.at(-1)
        return {
          roomId: room.roomId,
          pactId: room.roomId,
          entryCount: room.entryCount,
          headHash: room.headHash,
          entries,
          checkpoints: await roomCheckpoints(tx, this.schema, room.roomId),
          nextCursor: rows.length > limit && last ? String(last.seq) : null,
        }
      })
  }
}
