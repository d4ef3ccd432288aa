import { Module } from '@nestjs/common'
import { AgentAccountsReactor } from './accounts/agent-accounts.reactor.ts'
import { OrgProvisioningReactor } from './accounts/org-provisioning.reactor.ts'
import { LedgerController } from './ledger/ledger.controller.ts'
import { LedgerService } from './ledger/ledger.service.ts'

@Module({
  controllers: [LedgerController],
  providers: [OrgProvisioningReactor, AgentAccountsReactor, LedgerService],
})
export class EscrowModule {}
