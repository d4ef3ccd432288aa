import { Module } from '@nestjs/common'
import { JuryPoliciesProjection } from './policies/jury-policies.projection.ts'
import { JuryPolicyController } from './policies/jury-policy.controller.ts'
import { OrgProvisioningReactor } from './policies/org-provisioning.reactor.ts'

@Module({
  controllers: [JuryPolicyController],
  providers: [JuryPoliciesProjection, OrgProvisioningReactor],
})
export class JuryModule {}
