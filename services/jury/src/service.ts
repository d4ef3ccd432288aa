import { type ServiceDefinition, serviceEnv } from '@tessera/service-kit'
import { JuryModule } from './jury.module.ts'
import { juryMigrations } from './migrations.ts'
import { JuryPoliciesProjection } from './policies/jury-policies.projection.ts'
import { OrgProvisioningReactor } from './policies/org-provisioning.reactor.ts'

const JuryEnv = serviceEnv('jury')

export const jury: ServiceDefinition<typeof JuryEnv> = {
  name: 'jury',
  context: 'jury',
  module: JuryModule,
  consumers: [JuryPoliciesProjection, OrgProvisioningReactor],
  migrations: juryMigrations,
  env: JuryEnv,
}
