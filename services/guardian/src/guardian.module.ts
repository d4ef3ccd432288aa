import { Module } from '@nestjs/common'
import { AgentsController } from './agents/agents.controller.ts'
import { AgentsService } from './agents/agents.service.ts'
import { OrgScoresProjection } from './orgs/org-scores.projection.ts'
import { OrgsController } from './orgs/orgs.controller.ts'
import { SessionsController } from './sessions/sessions.controller.ts'
import { SessionsService } from './sessions/sessions.service.ts'
import { TokensController } from './tokens/tokens.controller.ts'
import { TokensService } from './tokens/tokens.service.ts'

@Module({
  controllers: [OrgsController, AgentsController, TokensController, SessionsController],
  providers: [OrgScoresProjection, AgentsService, TokensService, SessionsService],
})
export class GuardianModule {}
