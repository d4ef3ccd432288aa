import { Controller, Get, Inject, Res } from '@nestjs/common'
import type { Logger } from 'pino'
import { renderMetrics } from './metrics.ts'
import { OBSERVABILITY_OPTIONS, PINO_LOGGER } from './observability.tokens.ts'
import { runReadinessChecks } from './readiness.ts'
import type { ReadinessCheck } from './readiness.ts'

export interface HealthOptions {
  readiness: readonly ReadinessCheck[]
  readinessTimeoutMs: number
}

/**
 * The shape fastify's reply and express's response share. We answer through it directly
 * (`@Res()` without passthrough) so that app-wide interceptors and exception filters, which
 * may reshape bodies, never touch what probes and scrapers parse.
 */
interface RawReply {
  status(code: number): RawReply
  header(name: string, value: string): RawReply
  send(body: unknown): unknown
}

@Controller()
export class HealthController {
  constructor(
    @Inject(OBSERVABILITY_OPTIONS) private readonly options: HealthOptions,
    @Inject(PINO_LOGGER) private readonly logger: Logger,
  ) {}

  /** Liveness: the event loop answers. Never checks dependencies, or a DB blip restarts pods. */
  @Get('health/live')
  live(@Res() reply: RawReply): void {
    reply.status(200).send({ status: 'ok' })
  }

  @Get('health/ready')
  async ready(@Res() reply: RawReply): Promise<void> {
    const report = await runReadinessChecks(this.options.readiness, this.options.readinessTimeoutMs)
    if (report.ready) {
      reply.status(200).send({ status: 'ready', checks: report.checks })
      return
    }
    this.logger.warn({ checks: report.checks }, 'not ready')
    reply.status(503).send({ status: 'not_ready', checks: report.checks })
  }

  @Get('metrics')
  async metrics(@Res() reply: RawReply): Promise<void> {
    const { contentType, body } = await renderMetrics()
    reply.status(200).header('content-type', contentType).send(body)
  }
}
