import { type ServiceDefinition, serviceEnv } from '@tessera/service-kit'
import { accountsProjection } from './accounts/accounts.projection.ts'
import { OrgProvisioningReactor } from './accounts/org-provisioning.reactor.ts'
import { AgentAccountsReactor } from './accounts/agent-accounts.reactor.ts'
import { BondSlashingReactor } from './bonds/bond-slashing.reactor.ts'
import { EscrowModule } from './escrow.module.ts'
import { escrowMigrations } from './migrations.ts'
import { EscrowLifecycleEnv } from './escrows/escrows.env.ts'
import {
  ESCROW_LIFECYCLE_CONSUMERS,
  ESCROW_LIFECYCLE_PROJECTIONS,
  ESCROW_LIFECYCLE_WORKERS,
} from './escrows/escrows.parts.ts'

const EscrowEnv = serviceEnv('escrow').extend(EscrowLifecycleEnv)

export const escrow: ServiceDefinition<typeof EscrowEnv> = {
  name: 'escrow',
  context: 'escrow',
  module: EscrowModule,
  consumers: [
    OrgProvisioningReactor,
    AgentAccountsReactor,
    BondSlashingReactor,
    ...ESCROW_LIFECYCLE_CONSUMERS,
  ],
  projections: [accountsProjection, ...ESCROW_LIFECYCLE_PROJECTIONS],
  workers: ESCROW_LIFECYCLE_WORKERS,
  migrations: escrowMigrations,
  env: EscrowEnv,
}
