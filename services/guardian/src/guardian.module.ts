import { Module } from '@nestjs/common'
import { ActionsController } from './actions/actions.controller.ts'
import { ActionsService } from './actions/actions.service.ts'
import { DecisionLog } from './actions/decision-log.ts'
import { DecisionRelay } from './actions/decision-relay.ts'
import { CacheBarrierInterceptor } from './guard-cache/cache-barrier.interceptor.ts'
import { guardCacheApiKeyRows } from './guard-cache/api-key-rows.provider.ts'
import { GuardCache } from './guard-cache/guard-cache.ts'
import { ApprovalsController } from './approvals/approvals.controller.ts'
import { ApprovalsService } from './approvals/approvals.service.ts'
import { PoliciesController } from './policies/policies.controller.ts'
import { PoliciesService } from './policies/policies.service.ts'
import { A2aController } from './agent-cards/a2a.controller.ts'
import { AgentCardsController } from './agent-cards/agent-cards.controller.ts'
import { AgentCardsService } from './agent-cards/agent-cards.service.ts'
import { CardSigner } from './agent-cards/card-signer.ts'
import { AgentsController } from './agents/agents.controller.ts'
import { AgentsService } from './agents/agents.service.ts'
import { DelegationsController } from './delegations/delegations.controller.ts'
import { DelegationsService } from './delegations/delegations.service.ts'
import { KeysController } from './keys/keys.controller.ts'
import { KeysService } from './keys/keys.service.ts'
import { OrgScoresProjection } from './orgs/org-scores.projection.ts'
import { OrgsController } from './orgs/orgs.controller.ts'
import { PactBindingsCache } from './pacts/pact-bindings.cache.ts'
import { PactBindingsProjection } from './pacts/pact-bindings.projection.ts'
import { SessionsController } from './sessions/sessions.controller.ts'
import { SessionsService } from './sessions/sessions.service.ts'
import { TokensController } from './tokens/tokens.controller.ts'
import { TokensService } from './tokens/tokens.service.ts'

@Module({
  controllers: [
    OrgsController,
    AgentsController,
    TokensController,
    SessionsController,
    DelegationsController,
    KeysController,
    ActionsController,
    ApprovalsController,
    PoliciesController,
    AgentCardsController,
    A2aController,
  ],
  providers: [
    OrgScoresProjection,
    PactBindingsProjection,
    PactBindingsCache,
    AgentsService,
    TokensService,
    SessionsService,
    DelegationsService,
    KeysService,
    GuardCache,
    CacheBarrierInterceptor,
    guardCacheApiKeyRows,
    DecisionLog,
    DecisionRelay,
    ApprovalsService,
    ActionsService,
    PoliciesService,
    CardSigner,
    AgentCardsService,
  ],
})
export class GuardianModule {}
