import { Inject, Injectable } from '@nestjs/common'
import { sql } from 'kysely'
import { type AnyEnvelope, RoomOpened } from '@tessera/contracts'
import type { SchemaTx } from '@tessera/event-store'
import { EventConsumer, On, SERVICE_SCHEMA } from '@tessera/service-kit'

/** Every room and the org it belongs to, for `GET /v1/rooms`. */
@EventConsumer({ name: 'rooms', context: 'pacts', rebuildable: true })
@Injectable()
export class RoomsProjection {
  constructor(@Inject(SERVICE_SCHEMA) private readonly schema: string) {}

  @On('RoomOpened')
  async opened(tx: SchemaTx, e: AnyEnvelope) {
    const d = RoomOpened.parse(e.data)
    // The event's time, not now(): a rebuild must give the same rows as the live projection.
    await sql`insert into ${sql.id(this.schema)}.rooms (room_id, org_id, name, opened_at)
      values (${d.roomId}, ${d.orgId}, ${d.name}, ${e.metadata.occurredAt})
      on conflict (room_id) do nothing`.execute(tx)
  }

  async reset(tx: SchemaTx) {
    await sql`delete from ${sql.id(this.schema)}.rooms`.execute(tx)
  }
}
