import { Module } from '@nestjs/common'
import { AgentDirectoryProjection } from './pacts/agent-directory.projection.ts'
import { PactExpiry } from './pacts/pact-expiry.ts'
import { PactsController } from './pacts/pacts.controller.ts'
import { PactsService } from './pacts/pacts.service.ts'
import { ROOM_FEEDS } from './rooms/room-feed.consumers.ts'
import { RoomCheckpointer } from './rooms/room-checkpointer.consumer.ts'
import { RoomKeyring } from './rooms/room-keyring.ts'
import { RoomsController, TesseraKeysController } from './rooms/rooms.controller.ts'
import { RoomsService } from './rooms/rooms.service.ts'
import { TelemetryBindingConsumer } from './param-binding/telemetry-binding.consumer.ts'

@Module({
  controllers: [PactsController, RoomsController, TesseraKeysController],
  providers: [
    AgentDirectoryProjection,
    PactsService,
    PactExpiry,
    RoomKeyring,
    RoomsService,
    RoomCheckpointer,
    ...ROOM_FEEDS,
    TelemetryBindingConsumer,
  ],
})
export class PactsModule {}
