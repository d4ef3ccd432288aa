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
import {
  type Agent,
  ListAgentsFilter,
  type Page,
  RegisterAgentBody,
  RevokeAgentBody,
} from '@tessera/contracts'
import {
  ApiKeyGuard,
  Auth,
  type AuthContext,
  Roles,
  pageQuery,
  parseInput,
} from '@tessera/service-kit'
import { parseEd25519PublicKey } from '../domain/agent/agent-key.ts'
import { AgentsService } from './agents.service.ts'
import { CacheBarrierInterceptor } from '../guard-cache/cache-barrier.interceptor.ts'

const PublicKey = z
  .string()
  .max(200)
  .transform((text, ctx) => {
    const key = parseEd25519PublicKey(text)
    if (key) return key
    ctx.addIssue({
      code: 'custom',
      message: 'must be an Ed25519 public key: 32 bytes as base64url or base64, or a z6Mk… did:key',
    })
    return z.NEVER
  })

/** The contract's body, with the key decoded (the field keeps its place, so errors do too). */
const RegisterBody = RegisterAgentBody.extend({ publicKey: PublicKey.optional() })

const ListQuery = pageQuery().extend(ListAgentsFilter.shape)

/** The org's agents. Every route needs an API key; another org's agent is a 404. */
@Controller('v1/agents')
@UseGuards(ApiKeyGuard)
@UseInterceptors(CacheBarrierInterceptor)
export class AgentsController {
  constructor(@Inject(AgentsService) private readonly agents: AgentsService) {}

  @Post()
  @Roles('admin')
  @HttpCode(201)
  register(@Auth() auth: AuthContext, @Body() body: unknown): Promise<Agent> {
    return this.agents.register(auth, parseInput(RegisterBody, body))
  }

  /** Newest first; `nextCursor` is null on the last page. */
  @Get()
  @Roles('admin', 'member', 'approver')
  list(@Auth() auth: AuthContext, @Query() query: unknown): Promise<Page<Agent>> {
    const { status, limit, cursor } = parseInput(ListQuery, query)
    return this.agents.list(auth, { status, limit, after: cursor })
  }

  @Get(':id')
  @Roles('admin', 'member', 'approver')
  get(@Auth() auth: AuthContext, @Param('id') id: string): Promise<Agent> {
    return this.agents.get(auth, id)
  }

  @Post(':id/revoke')
  @Roles('admin')
  @HttpCode(200)
  revoke(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<Agent> {
    const { reason } = parseInput(RevokeAgentBody, body)
    return this.agents.revoke(auth, id, reason)
  }
}
