import type { ServiceDefinition } from '@tessera/service-kit'
import { pactsMigrations } from './migrations.ts'
import { PactsModule } from './pacts.module.ts'
import { OrgProvisioningReactor } from './rooms/org-provisioning.reactor.ts'
import { roomsProjection } from './rooms/rooms.projection.ts'
import { PactsEnv } from './pacts.env.ts'
import { AgentDirectoryProjection } from './pacts/agent-directory.projection.ts'
import { PactExpiry } from './pacts/pact-expiry.ts'
import { pactsProjection } from './pacts/pacts.projection.ts'

export const pacts: ServiceDefinition<typeof PactsEnv> = {
  name: 'pacts',
  context: 'pacts',
  module: PactsModule,
  consumers: [OrgProvisioningReactor, AgentDirectoryProjection],
  projections: [roomsProjection, pactsProjection],
  workers: [PactExpiry],
  migrations: pactsMigrations,
  env: PactsEnv,
}
