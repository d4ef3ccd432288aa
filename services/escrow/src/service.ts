import { z } from 'zod'
import { BaseEnv, type ServiceDefinition } from '@tessera/service-kit'
import { AccountsProjection } from './accounts/accounts.projection.ts'
import { OrgProvisioningReactor } from './accounts/org-provisioning.reactor.ts'
import { EscrowModule } from './escrow.module.ts'
import { escrowMigrations } from './migrations.ts'

const EscrowEnv = BaseEnv.extend({ PORT: z.coerce.number().int().min(0).max(65535).default(8084) })

export const escrow: ServiceDefinition<typeof EscrowEnv> = {
  name: 'escrow',
  context: 'escrow',
  module: EscrowModule,
  consumers: [AccountsProjection, OrgProvisioningReactor],
  migrations: escrowMigrations,
  env: EscrowEnv,
}
