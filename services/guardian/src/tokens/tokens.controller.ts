import { Body, Controller, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common'
import { z } from 'zod'
import { Capability } from '@tessera/contracts'
import { ApiKeyGuard, Auth, type AuthContext, Roles, parseInput } from '@tessera/service-kit'
import { MAX_TOKEN_TTL_SECONDS } from '../domain/token/token.decider.ts'
import { TokensService } from './tokens.service.ts'

const IssueBody = z.object({
  agentId: z.string().min(1).max(100),
  scopes: z.array(Capability).min(1).max(100),
  audience: z.array(z.string().min(1).max(500)).max(20).default([]),
  ttlSeconds: z.number().int().min(1).max(MAX_TOKEN_TTL_SECONDS).default(300),
})
const IntrospectBody = z.object({
  token: z.string().min(1).max(500),
  target: z.string().min(1).max(500).optional(),
  requiredScopes: z.array(Capability).max(100).optional(),
})

/** Capability tokens: opaque, short-lived (at most a day), introspected server-side. */
@Controller('v1/tokens')
@UseGuards(ApiKeyGuard)
@Roles('admin', 'member')
export class TokensController {
  constructor(@Inject(TokensService) private readonly tokens: TokensService) {}

  /** Issues a token for scopes within the agent's capabilities; the token is shown only here. */
  @Post()
  @HttpCode(201)
  issue(@Auth() auth: AuthContext, @Body() body: unknown) {
    return this.tokens.issue(auth, parseInput(IssueBody, body))
  }

  /** `{active, agentId, scopes, expiresAt, reason?}`: inactive when expired, revoked (token or agent), for another target, or short of a required scope. */
  @Post('introspect')
  @HttpCode(200)
  introspect(@Auth() auth: AuthContext, @Body() body: unknown) {
    return this.tokens.introspect(auth, parseInput(IntrospectBody, body))
  }

  @Post(':tokenId/revoke')
  @HttpCode(200)
  revoke(@Auth() auth: AuthContext, @Param('tokenId') tokenId: string) {
    return this.tokens.revoke(auth, tokenId)
  }
}
