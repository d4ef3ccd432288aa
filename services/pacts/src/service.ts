import type { ServiceDefinition } from '@tessera/service-kit'
import { pactsMigrations } from './migrations.ts'
import { PactsModule } from './pacts.module.ts'
import { ROOM_FEEDS } from './rooms/room-feed.consumers.ts'
import { RoomCheckpointer } from './rooms/room-checkpointer.consumer.ts'
import { roomLedgerProjection } from './rooms/room-ledger.projection.ts'
import { PactsEnv } from './pacts.env.ts'
import { AgentDirectoryProjection } from './pacts/agent-directory.projection.ts'
import { PactExpiry } from './pacts/pact-expiry.ts'
import { pactsProjection } from './pacts/pacts.projection.ts'
import { paramBindingProjections } from './param-binding/param-binding.projection.ts'

export const pacts: ServiceDefinition<typeof PactsEnv> = {
  name: 'pacts',
  context: 'pacts',
  module: PactsModule,
  consumers: [AgentDirectoryProjection, RoomCheckpointer, ...ROOM_FEEDS],
  projections: [pactsProjection, roomLedgerProjection, ...paramBindingProjections],
  workers: [PactExpiry],
  migrations: pactsMigrations,
  env: PactsEnv,
}
