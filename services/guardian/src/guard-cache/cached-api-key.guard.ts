import { Inject, Injectable } from '@nestjs/common'
import type { SchemaDb } from '@tessera/event-store'
import { ApiKeyGuard, type ApiKeyRow, DB, SERVICE_SCHEMA } from '@tessera/service-kit'
import { GuardCache } from './guard-cache.ts'

/**
 * The API-key guard of the hot path: service-kit's, with the key's row from this replica's
 * cache, which a revocation drops at commit like any other row.
 */
@Injectable()
export class CachedApiKeyGuard extends ApiKeyGuard {
  constructor(
    @Inject(DB) db: SchemaDb,
    @Inject(SERVICE_SCHEMA) schema: string,
    @Inject(GuardCache) private readonly cache: GuardCache,
  ) {
    super(db, schema)
  }

  protected override findKey(hash: string): Promise<ApiKeyRow | null> | ApiKeyRow | null {
    return this.cache.apiKey(hash)
  }
}
