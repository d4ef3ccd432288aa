import { type ServiceDefinition, serviceEnv } from '@tessera/service-kit'
import { pactsMigrations } from './migrations.ts'
import { PactsModule } from './pacts.module.ts'
import { ROOM_FEEDS } from './rooms/room-feed.consumers.ts'
import { RoomCheckpointer } from './rooms/room-checkpointer.consumer.ts'
import { roomLedgerProjection } from './rooms/room-ledger.projection.ts'
import { RoomsEnv } from './rooms/rooms.env.ts'

const PactsEnv = serviceEnv('pacts').extend(RoomsEnv)

export const pacts: ServiceDefinition<typeof PactsEnv> = {
  name: 'pacts',
  context: 'pacts',
  module: PactsModule,
  consumers: [RoomCheckpointer, ...ROOM_FEEDS],
  projections: [roomLedgerProjection],
  migrations: pactsMigrations,
  env: PactsEnv,
}
