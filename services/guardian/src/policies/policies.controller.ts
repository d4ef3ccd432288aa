import { Body, Controller, Get, Inject, Put, UseGuards, UseInterceptors } from '@nestjs/common'
import { GuardPolicy } from '@tessera/contracts'
import { ApiKeyGuard, Auth, type AuthContext, Roles, parseInput } from '@tessera/service-kit'
import { DEFAULT_APPROVAL_WINDOW_SECONDS } from '../domain/policy/org-policy.ts'
import { PoliciesService } from './policies.service.ts'
import { CacheBarrierInterceptor } from '../guard-cache/cache-barrier.interceptor.ts'

const PolicyBody = GuardPolicy.extend({
  timezone: GuardPolicy.shape.timezone.default('UTC'),
  approvalWindowSeconds: GuardPolicy.shape.approvalWindowSeconds.default(
    DEFAULT_APPROVAL_WINDOW_SECONDS,
  ),
})

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
    return this.policies.set(auth, parseInput(PolicyBody, body))
  }
}
