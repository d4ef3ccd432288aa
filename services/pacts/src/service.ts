import { z } from 'zod'
import { BaseEnv, type ServiceDefinition } from '@tessera/service-kit'
import { pactsMigrations } from './migrations.ts'
import { PactsModule } from './pacts.module.ts'
import { OrgProvisioningReactor } from './rooms/org-provisioning.reactor.ts'
import { RoomsProjection } from './rooms/rooms.projection.ts'

const PactsEnv = BaseEnv.extend({ PORT: z.coerce.number().int().min(0).max(65535).default(8083) })

export const pacts: ServiceDefinition<typeof PactsEnv> = {
  name: 'pacts',
  context: 'pacts',
  module: PactsModule,
  consumers: [RoomsProjection, OrgProvisioningReactor],
  migrations: pactsMigrations,
  env: PactsEnv,
}
