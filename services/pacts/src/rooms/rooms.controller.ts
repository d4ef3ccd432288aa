import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common'
import { type RoomPage, RoomPageQuery, type TesseraKeySet } from '@tessera/contracts'
import {
  ApiKeyGuard,
  Auth,
  type AuthContext,
  NoApiKey,
  Roles,
  parseInput,
} from '@tessera/service-kit'
import { RoomKeyring } from './room-keyring.ts'
import { RoomsService } from './rooms.service.ts'

@Controller('v1/rooms')
@UseGuards(ApiKeyGuard)
export class RoomsController {
  constructor(@Inject(RoomsService) private readonly rooms: RoomsService) {}

  /** A pact's room, oldest entries first, with every checkpoint: for the parties' orgs only. */
  @Get(':pactId')
  @Roles('admin', 'member')
  get(
    @Auth() auth: AuthContext,
    @Param('pactId') pactId: string,
    @Query() query: unknown,
  ): Promise<RoomPage> {
    const { limit, cursor } = parseInput(RoomPageQuery, query)
    return this.rooms.page(auth.orgId, pactId, cursor ?? 0, limit)
  }
}

/** The keys that sign room checkpoints: public, so anyone can verify a room offline. */
@Controller('.well-known')
@NoApiKey('public by design: the keys that sign room checkpoints')
export class TesseraKeysController {
  constructor(@Inject(RoomKeyring) private readonly keys: RoomKeyring) {}

  @Get('tessera-keys.json')
  keySet(): Promise<TesseraKeySet> {
    return this.keys.keySet()
  }
}
