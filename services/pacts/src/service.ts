import { type ServiceDefinition, serviceEnv } from '@tessera/service-kit'
import { pactsMigrations } from './migrations.ts'
import { PactsModule } from './pacts.module.ts'
import { OrgProvisioningReactor } from './rooms/org-provisioning.reactor.ts'
import { roomsProjection } from './rooms/rooms.projection.ts'
import { paramBindingProjections } from './param-binding/param-binding.projection.ts'

const PactsEnv = serviceEnv('pacts')

export const pacts: ServiceDefinition<typeof PactsEnv> = {
  name: 'pacts',
  context: 'pacts',
  module: PactsModule,
  consumers: [OrgProvisioningReactor],
  projections: [roomsProjection, ...paramBindingProjections],
  migrations: pactsMigrations,
  env: PactsEnv,
}
