import { type ServiceDefinition, serviceEnv } from '@tessera/service-kit'
import { accountsProjection } from './accounts/accounts.projection.ts'
import { OrgProvisioningReactor } from './accounts/org-provisioning.reactor.ts'
import { AgentAccountsReactor } from './accounts/agent-accounts.reactor.ts'
import { BondSlashingReactor } from './bonds/bond-slashing.reactor.ts'
import { sellerEscrowsProjection } from './bonds/seller-escrows.projection.ts'
import { EscrowModule } from './escrow.module.ts'
import { escrowMigrations } from './migrations.ts'

const EscrowEnv = serviceEnv('escrow')

export const escrow: ServiceDefinition<typeof EscrowEnv> = {
  name: 'escrow',
  context: 'escrow',
  module: EscrowModule,
  consumers: [OrgProvisioningReactor, AgentAccountsReactor, BondSlashingReactor],
  projections: [accountsProjection, sellerEscrowsProjection],
  migrations: escrowMigrations,
  env: EscrowEnv,
}
