import { Controller, Get, Inject, UseGuards } from '@nestjs/common'
import { sql } from 'kysely'
import type { SchemaDb } from '@tessera/event-store'
import {
  ApiKeyGuard,
  Auth,
  type AuthContext,
  DB,
  Roles,
  SERVICE_SCHEMA,
} from '@tessera/service-kit'

@Controller('v1/rooms')
export class RoomsController {
  constructor(
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
  ) {}

  /** The caller's org's rooms, oldest first. Empty until pacts has provisioned the org. */
  @Get()
  @UseGuards(ApiKeyGuard)
  @Roles('admin', 'member')
  async list(@Auth() auth: AuthContext) {
    const { rows } = await sql<{ room_id: string; name: string }>`
      select room_id, name from ${sql.id(this.schema)}.rooms
      where org_id = ${auth.orgId} order by opened_at, room_id`.execute(this.db)
    return { rooms: rows.map((r) => ({ roomId: r.room_id, name: r.name })) }
  }
}
