import { Inject, Injectable } from '@nestjs/common'
import type { FastifyRequest } from 'fastify'
import type { SchemaDb } from '@tessera/event-store'
import { type AuthContext, DB, SERVICE_SCHEMA, authenticateKey } from '@tessera/service-kit'

/**
 * A request's optional Bearer key, looked up once per request however many ask (the rate
 * limiter on a cache miss, then the Arden controller). Never kept across requests: a revoked
 * key counts as none from its next request on.
 */
@Injectable()
export class RequestKeys {
  private readonly resolved = new WeakMap<FastifyRequest, Promise<AuthContext | null>>()

  constructor(
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
  ) {}

  of(req: FastifyRequest): Promise<AuthContext | null> {
    let auth = this.resolved.get(req)
    if (!auth) {
      auth = authenticateKey(this.db, this.schema, req.headers.authorization)
      this.resolved.set(req, auth)
    }
    return auth
  }
}
