import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common'
import { z } from 'zod'
import { Capability, SessionMode } from '@tessera/contracts'
import { ApiKeyGuard, Auth, type AuthContext, Roles, parseInput } from '@tessera/service-kit'
import { SessionsService } from './sessions.service.ts'
import { CacheBarrierInterceptor } from '../guard-cache/cache-barrier.interceptor.ts'

const InitBody = z.object({
  agentId: z.string().min(1).max(100),
  serverId: z.string().trim().min(1).max(200),
  mode: SessionMode.default('open'),
  scopeCeiling: z.array(Capability).max(200).optional(),
})

/** Sessions: an agent's connection to a server, with a mode, a scope ceiling and counters. */
@Controller('v1/sessions')
@UseGuards(ApiKeyGuard)
@UseInterceptors(CacheBarrierInterceptor)
export class SessionsController {
  constructor(@Inject(SessionsService) private readonly sessions: SessionsService) {}

  @Post()
  @Roles('admin', 'member')
  @HttpCode(201)
  init(@Auth() auth: AuthContext, @Body() body: unknown) {
    return this.sessions.start(auth, parseInput(InitBody, body))
  }

  /** The session with its counters: total and denied calls. */
  @Get(':sessionId')
  @Roles('admin', 'member', 'approver')
  get(@Auth() auth: AuthContext, @Param('sessionId') sessionId: string) {
    return this.sessions.get(auth, sessionId)
  }
}
