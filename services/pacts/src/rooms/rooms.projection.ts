import { sql } from 'kysely'
import { RoomOpened } from '@tessera/contracts'
import { inlineProjection, onEvent } from '@tessera/service-kit'

/** Every room and the org it belongs to, for `GET /v1/rooms`: an inline projection of pacts' own log. */
export const roomsProjection = inlineProjection({
  name: 'rooms',
  tables: ['rooms'],
  on: {
    // the event's time, not now(): a rebuild must give the same rows as the live projection
    RoomOpened: onEvent(RoomOpened, (tx, s, d, e) =>
      sql`insert into ${s}.rooms (room_id, org_id, name, opened_at)
        values (${d.roomId}, ${d.orgId}, ${d.name}, ${e.metadata.occurredAt})
        on conflict (room_id) do nothing`.execute(tx),
    ),
  },
})
