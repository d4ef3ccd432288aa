import { Module } from '@nestjs/common'
import { OrgProvisioningReactor } from './redaction/org-provisioning.reactor.ts'
import { RedactionPoliciesProjection } from './redaction/redaction-policies.projection.ts'
import { RedactionController } from './redaction/redaction.controller.ts'

@Module({
  controllers: [RedactionController],
  providers: [RedactionPoliciesProjection, OrgProvisioningReactor],
})
export class IngestModule {}
