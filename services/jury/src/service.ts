import { type ServiceDefinition, serviceEnv } from '@tessera/service-kit'
import { JuryModule } from './jury.module.ts'
import { juryMigrations } from './migrations.ts'
import { juryPoliciesProjection } from './policies/jury-policies.projection.ts'
import { OrgProvisioningReactor } from './policies/org-provisioning.reactor.ts'

const JuryEnv = serviceEnv('jury')

export const jury: ServiceDefinition<typeof JuryEnv> = {
  name: 'jury',
  context: 'jury',
  module: JuryModule,
  consumers: [OrgProvisioningReactor],
  projections: [juryPoliciesProjection],
  migrations: juryMigrations,
  env: JuryEnv,
}
