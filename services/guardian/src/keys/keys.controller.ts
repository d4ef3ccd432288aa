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
import { ApiKeyGuard, Auth, type AuthContext, parseInput } from '@tessera/service-kit'
import { KeysService, requireAdmin } from './keys.service.ts'
import { CacheBarrierInterceptor } from '../actions/cache-barrier.interceptor.ts'

const IssueBody = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  role: z.enum(['admin', 'member']).default('member'),
})

const ListQuery = z.object({ status: z.enum(['active', 'revoked']).optional() })

/**
 * The org's API keys. Admin keys issue and revoke them; any key of the org may list them,
 * since the list never holds a key or its hash. Another org's key is a 404.
 */
@Controller('v1/keys')
@UseGuards(ApiKeyGuard)
@UseInterceptors(CacheBarrierInterceptor)
export class KeysController {
  constructor(@Inject(KeysService) private readonly keys: KeysService) {}

  /** The new key is in this answer and nowhere else, ever. */
  @Post()
  @HttpCode(201)
  issue(@Auth() auth: AuthContext, @Body() body: unknown) {
    requireAdmin(auth)
    return this.keys.issue(auth, parseInput(IssueBody, body ?? {}))
  }

  @Get()
  list(@Auth() auth: AuthContext, @Query() query: unknown) {
    return this.keys.list(auth, parseInput(ListQuery, query).status)
  }

  @Post(':keyId/revoke')
  @HttpCode(200)
  revoke(@Auth() auth: AuthContext, @Param('keyId') keyId: string) {
    requireAdmin(auth)
    return this.keys.revoke(auth, keyId)
  }
}
