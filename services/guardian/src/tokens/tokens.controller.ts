import { Body, Controller, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common'
import {
  IntrospectTokenBody,
  IssueTokenBody,
  type IssuedToken,
  type RevokedToken,
  type TokenIntrospection,
} from '@tessera/contracts'
import { ApiKeyGuard, Auth, type AuthContext, Roles, parseInput } from '@tessera/service-kit'
import { TokensService } from './tokens.service.ts'

/** Capability tokens: opaque, short-lived (at most a day), introspected server-side. */
@Controller('v1/tokens')
@UseGuards(ApiKeyGuard)
@Roles('admin', 'member')
export class TokensController {
  constructor(@Inject(TokensService) private readonly tokens: TokensService) {}

  /** Issues a token for scopes within the agent's capabilities; the token is shown only here. */
  @Post()
  @HttpCode(201)
  issue(@Auth() auth: AuthContext, @Body() body: unknown): Promise<IssuedToken> {
    return this.tokens.issue(auth, parseInput(IssueTokenBody, body))
  }

  /** `{active, agentId, scopes, expiresAt, reason?}`: inactive when expired, revoked (token or agent), for another target, or short of a required scope. */
  @Post('introspect')
  @HttpCode(200)
  introspect(@Auth() auth: AuthContext, @Body() body: unknown): Promise<TokenIntrospection> {
    return this.tokens.introspect(auth, parseInput(IntrospectTokenBody, body))
  }

  @Post(':tokenId/revoke')
  @HttpCode(200)
  revoke(@Auth() auth: AuthContext, @Param('tokenId') tokenId: string): Promise<RevokedToken> {
    return this.tokens.revoke(auth, tokenId)
  }
}
