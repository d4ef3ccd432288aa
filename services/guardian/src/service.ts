import type { ServiceDefinition } from '@tessera/service-kit'
import { GuardianEnv } from './guardian.env.ts'
import { GuardianModule } from './guardian.module.ts'
import { guardianMigrations } from './migrations.ts'
import { OrgScoresProjection } from './orgs/org-scores.projection.ts'
import { PactBindingsProjection } from './pacts/pact-bindings.projection.ts'
import { guardianProjections } from './projections.ts'

export const guardian: ServiceDefinition<typeof GuardianEnv> = {
  name: 'guardian',
  context: 'guardian',
  module: GuardianModule,
  consumers: [OrgScoresProjection, PactBindingsProjection],
  projections: guardianProjections,
  migrations: guardianMigrations,
  env: GuardianEnv,
}
