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
import { type Session, StartSessionBody } from '@tessera/contracts'
import { ApiKeyGuard, Auth, type AuthContext, Roles, parseInput } from '@tessera/service-kit'
import { SessionsService } from './sessions.service.ts'
import { CacheBarrierInterceptor } from '../guard-cache/cache-barrier.interceptor.ts'

/** Sessions: an agent's connection to a server, with a mode, a scope ceiling and counters. */
@Controller('v1/sessions')
@UseGuards(ApiKeyGuard)
@UseInterceptors(CacheBarrierInterceptor)
export class SessionsController {
  constructor(@Inject(SessionsService) private readonly sessions: SessionsService) {}

  @Post()
  @Roles('admin', 'member')
  @HttpCode(201)
  init(@Auth() auth: AuthContext, @Body() body: unknown): Promise<Session> {
    return this.sessions.start(auth, parseInput(StartSessionBody, body))
  }

  /** The session with its counters: total and denied calls. */
  @Get(':sessionId')
  @Roles('admin', 'member', 'approver')
  get(@Auth() auth: AuthContext, @Param('sessionId') sessionId: string): Promise<Session> {
    return this.sessions.get(auth, sessionId)
  }
}
