import { Module } from '@nestjs/common'
import { DisputeIntakeReactor } from './disputes/dispute-intake.reactor.ts'
import { DisputesController, JudgesController } from './disputes/disputes.controller.ts'
import { DisputesService } from './disputes/disputes.service.ts'
import {
  JuryCompletionsProjection,
  JuryPactsProjection,
} from './disputes/evidence-sources.consumers.ts'
import { JuryPanels } from './disputes/jury-panels.worker.ts'
import { JuryPolicyController } from './policies/jury-policy.controller.ts'
import { OrgProvisioningReactor } from './policies/org-provisioning.reactor.ts'

@Module({
  controllers: [JuryPolicyController, DisputesController, JudgesController],
  providers: [
    OrgProvisioningReactor,
    DisputeIntakeReactor,
    JuryPactsProjection,
    JuryCompletionsProjection,
    JuryPanels,
    DisputesService,
  ],
})
export class JuryModule {}
