import { Module } from '@nestjs/common'
import { AgentAccountsReactor } from './accounts/agent-accounts.reactor.ts'
import { OrgProvisioningReactor } from './accounts/org-provisioning.reactor.ts'
import { BondSlashingReactor } from './bonds/bond-slashing.reactor.ts'
import { BondsController } from './bonds/bonds.controller.ts'
import { BondsService } from './bonds/bonds.service.ts'
import { LedgerController } from './ledger/ledger.controller.ts'
import { LedgerService } from './ledger/ledger.service.ts'
import {
  ESCROW_LIFECYCLE_CONTROLLERS,
  ESCROW_LIFECYCLE_PROVIDERS,
} from './escrows/escrows.parts.ts'

@Module({
  controllers: [LedgerController, BondsController, ...ESCROW_LIFECYCLE_CONTROLLERS],
  providers: [
    OrgProvisioningReactor,
    AgentAccountsReactor,
    LedgerService,
    BondsService,
    BondSlashingReactor,
    ...ESCROW_LIFECYCLE_PROVIDERS,
  ],
})
export class EscrowModule {}
