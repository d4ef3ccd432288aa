import { Body, Controller, HttpCode, Inject, Post, Res, UseGuards } from '@nestjs/common'
import { RouteConfig } from '@nestjs/platform-fastify'
import type { FastifyReply } from 'fastify'
import { TelemetryBatchRequest, batchStatus } from '@tessera/contracts'
import {
  ApiKeyGuard,
  Auth,
  type AuthContext,
  OWN_BODY_TEXT_CHECKS,
  RATE_LIMITED,
  Roles,
  parseInput,
} from '@tessera/service-kit'
import { IntakeService } from '../intake/intake.service.ts'

@Controller('v1/telemetry')
export class TelemetryController {
  constructor(@Inject(IntakeService) private readonly intake: IntakeService) {}

  /**
   * A batch of sessions, tool calls and responses. 200 all accepted, 207 some, 400 none; a
   * retried batch (same id, same events) is answered again with `Idempotent-Replayed: true`.
   */
  @Post('batch')
  @HttpCode(200)
  @UseGuards(ApiKeyGuard)
  @Roles('admin', 'member')
  // events are judged one by one, NUL and lone surrogates included (a 207, not a 400)
  @RouteConfig({ ...RATE_LIMITED, ...OWN_BODY_TEXT_CHECKS })
  async batch(
    @Auth() auth: AuthContext,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { batchId, events } = parseInput(TelemetryBatchRequest, body)
    const { response, replayed } = await this.intake.telemetry(auth.orgId, batchId, events)
    void reply.status(batchStatus(response.acceptedCount, response.rejectedCount).http)
    if (replayed) void reply.header('Idempotent-Replayed', 'true')
    return response
  }
}
