import { Module } from '@nestjs/common'
import { AgentsController } from './agents/agents.controller.ts'
import { AgentsService } from './agents/agents.service.ts'
import { OrgScoresProjection } from './orgs/org-scores.projection.ts'
import { OrgsController } from './orgs/orgs.controller.ts'

@Module({
  controllers: [OrgsController, AgentsController],
  providers: [OrgScoresProjection, AgentsService],
})
export class GuardianModule {}
