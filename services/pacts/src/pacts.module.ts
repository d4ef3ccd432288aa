import { Module } from '@nestjs/common'
import { AgentDirectoryProjection } from './pacts/agent-directory.projection.ts'
import { PactExpiry } from './pacts/pact-expiry.ts'
import { PactsController } from './pacts/pacts.controller.ts'
import { PactsService } from './pacts/pacts.service.ts'
import { OrgProvisioningReactor } from './rooms/org-provisioning.reactor.ts'
import { RoomsController } from './rooms/rooms.controller.ts'

@Module({
  controllers: [RoomsController, PactsController],
  providers: [OrgProvisioningReactor, AgentDirectoryProjection, PactsService, PactExpiry],
})
export class PactsModule {}
