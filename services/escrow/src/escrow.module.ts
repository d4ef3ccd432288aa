import { Module } from '@nestjs/common'
import { AccountsController } from './accounts/accounts.controller.ts'
import { OrgProvisioningReactor } from './accounts/org-provisioning.reactor.ts'

@Module({
  controllers: [AccountsController],
  providers: [OrgProvisioningReactor],
})
export class EscrowModule {}
