import { Body, Controller, Headers, Inject, Post, Req, Res } from '@nestjs/common'
import { RouteConfig } from '@nestjs/platform-fastify'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { batchStatus, splitArdenBody } from '@tessera/contracts'
import { ApiError, NoApiKey, OWN_BODY_TEXT_CHECKS, RATE_LIMITED } from '@tessera/service-kit'
import { IntakeService } from '../intake/intake.service.ts'
import { RequestKeys } from './request-key.ts'

/**
 * Arden event protocol v1, exactly as published: one event or 1–100, each validated on its
 * own; 200 all accepted, 207 some, 400 none, always the same body shape. The Bearer key is
 * optional; a valid one fills a missing `user`.
 */
@Controller('api/events')
export class ArdenController {
  constructor(
    @Inject(IntakeService) private readonly intake: IntakeService,
    @Inject(RequestKeys) private readonly keys: RequestKeys,
  ) {}

  @Post()
  @NoApiKey('Arden v1 as published: the key is optional and only fills a missing user')
  // events are judged one by one, NUL and lone surrogates included (a 207, not a 400)
  @RouteConfig({ ...RATE_LIMITED, ...OWN_BODY_TEXT_CHECKS })
  async send(
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Headers('content-type') contentType: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType ?? '')) {
      throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the events as application/json')
    }
    const split = splitArdenBody(body)
    if (!split.ok)
      throw new ApiError(split.code === 'TOO_MANY_EVENTS' ? 413 : 400, split.code, split.message)
    const auth = await this.keys.of(req)
    const { response } = await this.intake.arden(split.events, auth)
    void reply.status(batchStatus(response.accepted_count, response.rejected_count).http)
    return response
  }
}
