import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common'
import { z } from 'zod'
import { AgentId, Capability, DelegationId, SessionMode } from '@tessera/contracts'
import {
  ApiKeyGuard,
  Auth,
  type AuthContext,
  Roles,
  pageQuery,
  parseInput,
} from '@tessera/service-kit'
import { MAX_DELEGATION_TTL_SECONDS } from '../domain/delegation/delegation.decider.ts'
import { DelegationsService } from './delegations.service.ts'
import { CacheBarrierInterceptor } from '../guard-cache/cache-barrier.interceptor.ts'

const CreateBody = z.object({
  fromAgentId: z.string().min(1).max(100),
  toAgentId: z.string().min(1).max(100),
  scope: z.array(Capability).min(1).max(100),
  ttlSeconds: z.number().int().min(1).max(MAX_DELEGATION_TTL_SECONDS),
  parentDelegationId: DelegationId.optional(),
})

const RevokeBody = z.object({ reason: z.string().trim().min(1).max(500).optional() })

const SessionBody = z.object({
  serverId: z.string().trim().min(1).max(200),
  mode: SessionMode.default('restricted'),
})

const ListQuery = pageQuery().extend({
  agentId: AgentId.optional(),
  status: z.enum(['active', 'revoked', 'expired']).optional(),
})

/**
 * Delegations: an agent hands part of what it holds to another agent of the org, for a while.
 * Every route needs an API key; another org's delegation or agent is a 404.
 */
@Controller('v1/delegations')
@UseGuards(ApiKeyGuard)
@Roles('admin', 'member')
@UseInterceptors(CacheBarrierInterceptor)
export class DelegationsController {
  constructor(@Inject(DelegationsService) private readonly delegations: DelegationsService) {}

  /** Within what the delegator holds, at most 3 deep, expiring no later than its parent. */
  @Post()
  @HttpCode(201)
  create(@Auth() auth: AuthContext, @Body() body: unknown) {
    return this.delegations.create(auth, parseInput(CreateBody, body))
  }

  /** Newest first; `agentId` matches the delegator or the delegate; `nextCursor` is null on the last page. */
  @Get()
  list(@Auth() auth: AuthContext, @Query() query: unknown) {
    const { agentId, status, limit, cursor } = parseInput(ListQuery, query)
    return this.delegations.list(auth, { agentId, status, limit, after: cursor })
  }

  @Get(':id')
  get(@Auth() auth: AuthContext, @Param('id') id: string) {
    return this.delegations.get(auth, id)
  }

  /** Revokes it and every delegation derived from it, and closes all their sessions. */
  @Post(':id/revoke')
  @HttpCode(200)
  revoke(@Auth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown) {
    const { reason } = parseInput(RevokeBody, body ?? {})
    return this.delegations.revoke(auth, id, reason)
  }

  /** A session for the delegate, under the delegated scope, until the delegation ends. */
  @Post(':id/sessions')
  @HttpCode(201)
  startSession(@Auth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown) {
    return this.delegations.startSession(auth, id, parseInput(SessionBody, body))
  }
}
