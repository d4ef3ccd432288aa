import { Module } from '@nestjs/common'
import { AgentAccountsReactor } from './accounts/agent-accounts.reactor.ts'
import { OrgProvisioningReactor } from './accounts/org-provisioning.reactor.ts'
import { BondSlashingReactor } from './bonds/bond-slashing.reactor.ts'
import { BondsController } from './bonds/bonds.controller.ts'
import { BondsService } from './bonds/bonds.service.ts'
import { LedgerController } from './ledger/ledger.controller.ts'
import { LedgerService } from './ledger/ledger.service.ts'

@Module({
  controllers: [LedgerController, BondsController],
  providers: [
    OrgProvisioningReactor,
    AgentAccountsReactor,
    LedgerService,
    BondsService,
    BondSlashingReactor,
  ],
})
export class EscrowModule {}
