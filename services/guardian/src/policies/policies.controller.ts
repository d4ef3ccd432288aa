import { Body, Controller, Get, Inject, Put, UseGuards, UseInterceptors } from '@nestjs/common'
import { GuardPolicy } from '@tessera/contracts'
import {
  ApiError,
  ApiKeyGuard,
  Auth,
  type AuthContext,
  Roles,
  parseInput,
} from '@tessera/service-kit'
import { DEFAULT_APPROVAL_WINDOW_SECONDS } from '../domain/policy/org-policy.ts'
import { PoliciesService } from './policies.service.ts'
import { CacheBarrierInterceptor } from '../guard-cache/cache-barrier.interceptor.ts'

const PolicyBody = GuardPolicy.extend({
  timezone: GuardPolicy.shape.timezone.default('UTC'),
  approvalWindowSeconds: GuardPolicy.shape.approvalWindowSeconds.default(
    DEFAULT_APPROVAL_WINDOW_SECONDS,
  ),
})

/**
 * The most a policy may weigh as compact JSON. Parsing and validating it is not budgeted like
 * compiling is (libs/conditions' cost budget), so its size bounds that work: 256 KiB holds
 * 200 rules of 1 KiB each with room to spare.
 */
export const MAX_POLICY_BYTES = 256 * 1024

/** `GET`/`PUT /v1/guard/policy`: the org's rules, time zone and approval window. */
@Controller('v1/guard/policy')
@UseGuards(ApiKeyGuard)
@UseInterceptors(CacheBarrierInterceptor)
export class PoliciesController {
  constructor(@Inject(PoliciesService) private readonly policies: PoliciesService) {}

  @Get()
  @Roles('admin', 'member', 'approver')
  get(@Auth() auth: AuthContext) {
    return this.policies.get(auth)
  }

  @Put()
  @Roles('admin')
  set(@Auth() auth: AuthContext, @Body() body: unknown) {
    const bytes = Buffer.byteLength(JSON.stringify(body) ?? '')
    if (bytes > MAX_POLICY_BYTES) {
      const message = `a guard policy is at most ${MAX_POLICY_BYTES} bytes of JSON, this one ${bytes}`
      throw new ApiError(413, 'PAYLOAD_TOO_LARGE', message, { limit: MAX_POLICY_BYTES, bytes })
    }
    return this.policies.set(auth, parseInput(PolicyBody, body))
  }
}
