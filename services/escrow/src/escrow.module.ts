import { Module } from '@nestjs/common'
import { AccountsController } from './accounts/accounts.controller.ts'
import { AccountsProjection } from './accounts/accounts.projection.ts'
import { OrgProvisioningReactor } from './accounts/org-provisioning.reactor.ts'

@Module({
  controllers: [AccountsController],
  providers: [AccountsProjection, OrgProvisioningReactor],
})
export class EscrowModule {}
