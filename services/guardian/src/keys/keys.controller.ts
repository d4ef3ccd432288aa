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
import { ApiKeyRole } from '@tessera/contracts'
import { ApiKeyGuard, Auth, type AuthContext, Roles, parseInput } from '@tessera/service-kit'
import { KeysService } from './keys.service.ts'
import { CacheBarrierInterceptor } from '../guard-cache/cache-barrier.interceptor.ts'

const IssueBody = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  role: ApiKeyRole.default('member'),
})

const ListQuery = z.object({ status: z.enum(['active', 'revoked']).optional() })

/**
 * The org's API keys: only admin keys issue, list and revoke them (docs/roles.md); the org's
 * log decides again that the key asking is an active admin key. Another org's key is a 404.
 */
@Controller('v1/keys')
@UseGuards(ApiKeyGuard)
@Roles('admin')
@UseInterceptors(CacheBarrierInterceptor)
export class KeysController {
  constructor(@Inject(KeysService) private readonly keys: KeysService) {}

  /** The new key is in this answer and nowhere else, ever. */
  @Post()
  @HttpCode(201)
  issue(@Auth() auth: AuthContext, @Body() body: unknown) {
    return this.keys.issue(auth, parseInput(IssueBody, body ?? {}))
  }

  @Get()
  list(@Auth() auth: AuthContext, @Query() query: unknown) {
    return this.keys.list(auth, parseInput(ListQuery, query).status)
  }

  @Post(':keyId/revoke')
  @HttpCode(200)
  revoke(@Auth() auth: AuthContext, @Param('keyId') keyId: string) {
    return this.keys.revoke(auth, keyId)
  }
}
