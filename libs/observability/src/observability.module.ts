import { Module } from '@nestjs/common'
import type { DynamicModule } from '@nestjs/common'
import type { Logger } from 'pino'
import { HealthController } from './health.controller.ts'
import type { HealthOptions } from './health.controller.ts'
import { createLogger } from './logger.ts'
import { NestPinoLogger } from './nest-pino.logger.ts'
import { OBSERVABILITY_OPTIONS, PINO_LOGGER } from './observability.tokens.ts'
import { DEFAULT_READINESS_TIMEOUT_MS } from './readiness.ts'
import type { ReadinessCheck } from './readiness.ts'

export interface ObservabilityModuleOptions {
  service: string
  readiness: ReadinessCheck[]
  /** Per check; default 2 s. */
  readinessTimeoutMs?: number
  /** Reuse the logger main.ts already made; default: `createLogger({ service })`. */
  logger?: Logger
}

/**
 * Health probes, `/metrics` and the service logger for a Nest app. Global, so any provider can
 * `@Inject(PINO_LOGGER)`.
 */
@Module({})
export class ObservabilityModule {
  static forRoot(opts: ObservabilityModuleOptions): DynamicModule {
    const health: HealthOptions = {
      readiness: opts.readiness,
      readinessTimeoutMs: opts.readinessTimeoutMs ?? DEFAULT_READINESS_TIMEOUT_MS,
    }
    return {
      module: ObservabilityModule,
      global: true,
      controllers: [HealthController],
      providers: [
        { provide: OBSERVABILITY_OPTIONS, useValue: health },
        { provide: PINO_LOGGER, useValue: opts.logger ?? createLogger({ service: opts.service }) },
        NestPinoLogger,
      ],
      exports: [PINO_LOGGER, NestPinoLogger],
    }
  }
}
