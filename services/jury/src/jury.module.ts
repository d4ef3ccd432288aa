import { Module } from '@nestjs/common'
import { JuryPolicyController } from './policies/jury-policy.controller.ts'
import { OrgProvisioningReactor } from './policies/org-provisioning.reactor.ts'

@Module({
  controllers: [JuryPolicyController],
  providers: [OrgProvisioningReactor],
})
export class JuryModule {}
