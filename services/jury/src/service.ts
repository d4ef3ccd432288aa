import type { ServiceDefinition } from '@tessera/service-kit'
import { DisputeIntakeReactor } from './disputes/dispute-intake.reactor.ts'
import { disputesProjection, judgeVotesProjection } from './disputes/disputes.projection.ts'
import {
  JuryCompletionsProjection,
  JuryPactsProjection,
} from './disputes/evidence-sources.consumers.ts'
import { JuryPanels } from './disputes/jury-panels.worker.ts'
import { JuryModule } from './jury.module.ts'
import { JuryEnv } from './jury.env.ts'
import { juryMigrations } from './migrations.ts'
import { juryPoliciesProjection } from './policies/jury-policies.projection.ts'
import { OrgProvisioningReactor } from './policies/org-provisioning.reactor.ts'

export const jury: ServiceDefinition<typeof JuryEnv> = {
  name: 'jury',
  context: 'jury',
  module: JuryModule,
  consumers: [
    OrgProvisioningReactor,
    DisputeIntakeReactor,
    JuryPactsProjection,
    JuryCompletionsProjection,
  ],
  projections: [juryPoliciesProjection, disputesProjection, judgeVotesProjection],
  workers: [JuryPanels],
  migrations: juryMigrations,
  env: JuryEnv,
}
