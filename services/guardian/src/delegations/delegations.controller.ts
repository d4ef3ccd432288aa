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
import {
  CreateDelegationBody,
  type Delegation,
  ListDelegationsFilter,
  type Page,
  RevokeDelegationBody,
  type RevokedDelegation,
  type Session,
  StartDelegatedSessionBody,
} from '@tessera/contracts'
import {
  ApiKeyGuard,
  Auth,
  type AuthContext,
  Roles,
  pageQuery,
  parseInput,
} from '@tessera/service-kit'
import { DelegationsService } from './delegations.service.ts'
import { CacheBarrierInterceptor } from '../guard-cache/cache-barrier.interceptor.ts'

const ListQuery = pageQuery().extend(ListDelegationsFilter.shape)

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
  create(@Auth() auth: AuthContext, @Body() body: unknown): Promise<Delegation> {
    return this.delegations.create(auth, parseInput(CreateDelegationBody, body))
  }

  /** Newest first; `agentId` matches the delegator or the delegate; `nextCursor` is null on the last page. */
  @Get()
  list(@Auth() auth: AuthContext, @Query() query: unknown): Promise<Page<Delegation>> {
    const { agentId, status, limit, cursor } = parseInput(ListQuery, query)
    return this.delegations.list(auth, { agentId, status, limit, after: cursor })
  }

  @Get(':id')
  get(@Auth() auth: AuthContext, @Param('id') id: string): Promise<Delegation> {
    return this.delegations.get(auth, id)
  }

  /** Revokes it and every delegation derived from it, and closes all their sessions. */
  @Post(':id/revoke')
  @HttpCode(200)
  revoke(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<RevokedDelegation> {
    const { reason } = parseInput(RevokeDelegationBody, body ?? {})
    return this.delegations.revoke(auth, id, reason)
  }

  /**
   * A session for the delegate, under the delegated scope, until the delegation ends: a
   * `DelegatedSession`, whose `delegationId` and `expiresAt` are set.
   */
  @Post(':id/sessions')
  @HttpCode(201)
  startSession(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<Session> {
    return this.delegations.startSession(auth, id, parseInput(StartDelegatedSessionBody, body))
  }
}
