import type { Provider } from '@nestjs/common'
import { API_KEY_ROWS, type ApiKeyRowSource } from '@tessera/service-kit'
import { GuardCache } from './guard-cache.ts'

/**
 * Guardian's API-key guard reads key rows from the guard cache, not from the kit's own: the
 * cache every write endpoint syncs before it answers (`CacheBarrierInterceptor`), so a key
 * revoked here fails on this replica's very next request.
 */
export const guardCacheApiKeyRows: Provider = {
  provide: API_KEY_ROWS,
  inject: [GuardCache],
  useFactory: (cache: GuardCache): ApiKeyRowSource => ({ find: (hash) => cache.apiKey(hash) }),
}
