import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common'
import { type AuthContext, AuthFailed, authFromKeyRow, bearerKeyHash } from '@tessera/service-kit'
import { GuardCache } from './guard-cache.ts'

/**
 * The API-key guard of the hot path: the same rules as service-kit's `ApiKeyGuard`, with the
 * key's row from this replica's cache, which a revocation drops at commit like any other row.
 */
@Injectable()
export class CachedApiKeyGuard implements CanActivate {
  constructor(@Inject(GuardCache) private readonly cache: GuardCache) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | undefined>; auth?: AuthContext }>()
    const hash = bearerKeyHash(req.headers['authorization'])
    const auth = hash === null ? null : authFromKeyRow(hash, await this.cache.apiKey(hash))
    if (!auth) throw AuthFailed()
    req.auth = auth
    return true
  }
}
