import { Module } from '@nestjs/common'
import { ROOM_FEEDS } from './rooms/room-feed.consumers.ts'
import { RoomCheckpointer } from './rooms/room-checkpointer.consumer.ts'
import { RoomKeyring } from './rooms/room-keyring.ts'
import { RoomsController, TesseraKeysController } from './rooms/rooms.controller.ts'
import { RoomsService } from './rooms/rooms.service.ts'

@Module({
  controllers: [RoomsController, TesseraKeysController],
  providers: [RoomKeyring, RoomsService, RoomCheckpointer, ...ROOM_FEEDS],
})
export class PactsModule {}
