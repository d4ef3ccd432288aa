import { EscrowCommands } from './escrow-commands.ts'
import { EscrowDeadlines } from './escrow-deadlines.ts'
import { EscrowPactsProjection } from './escrow-pacts.projection.ts'
import { EscrowsController } from './escrows.controller.ts'
import { escrowsProjection } from './escrows.projection.ts'
import { EscrowsService } from './escrows.service.ts'
import { RevokedAgentsProjection } from './revoked-agents.projection.ts'
import { SellerLivenessConsumer } from './seller-liveness.consumer.ts'
import { VerdictConsumer } from './verdict.consumer.ts'

// The lifecycle's parts, spread into escrow's module and service definition so those stay
// one line each (bonds are registered beside them).
export const ESCROW_LIFECYCLE_CONTROLLERS = [EscrowsController]
export const ESCROW_LIFECYCLE_PROVIDERS = [
  EscrowCommands,
  EscrowDeadlines,
  EscrowsService,
  EscrowPactsProjection,
  VerdictConsumer,
  SellerLivenessConsumer,
  RevokedAgentsProjection,
]
export const ESCROW_LIFECYCLE_CONSUMERS = [
  EscrowPactsProjection,
  VerdictConsumer,
  RevokedAgentsProjection,
]
export const ESCROW_LIFECYCLE_PROJECTIONS = [escrowsProjection]
export const ESCROW_LIFECYCLE_WORKERS = [EscrowDeadlines]
