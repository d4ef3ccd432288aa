import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common'
import { type Observable, from, mergeMap } from 'rxjs'
import { GuardCache } from './guard-cache.ts'

/** Requests that change nothing checks read: they skip the barrier. */
const NO_BARRIER = new Set(['/v1/actions/check', '/v1/tokens/introspect'])

/**
 * After a successful write (agent revoked, session closed, delegation revoked, policy set…),
 * waits until this replica's check cache has seen it before answering. Other replicas see it
 * within milliseconds through the same notifications.
 */
@Injectable()
export class CacheBarrierInterceptor implements NestInterceptor {
  constructor(@Inject(GuardCache) private readonly cache: GuardCache) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = ctx.switchToHttp().getRequest<{ method: string; url: string }>()
    const path = req.url.split('?', 1)[0] ?? ''
    if (req.method === 'GET' || req.method === 'HEAD' || NO_BARRIER.has(path)) return next.handle()
    return next.handle().pipe(mergeMap((body: unknown) => from(this.cache.sync().then(() => body))))
  }
}
