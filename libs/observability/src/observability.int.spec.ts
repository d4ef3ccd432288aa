import { Controller, Get, Inject, Module } from '@nestjs/common'
import type { INestApplication } from '@nestjs/common'
import { NestFactory } from '@nestjs/core'
import { FastifyAdapter } from '@nestjs/platform-fastify'
import type { NestFastifyApplication } from '@nestjs/platform-fastify'
import type { Logger } from 'pino'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  NestPinoLogger,
  ObservabilityModule,
  PINO_LOGGER,
  createLogger,
  registerHttpMetrics,
  startTelemetry,
} from './index.ts'

// Flipped by the tests to play a database going down and coming back.
let dbError: string | undefined

// Proves the logger given to forRoot reaches other modules' providers (the module is global).
@Controller('pacts')
class PactsController {
  constructor(@Inject(PINO_LOGGER) private readonly logger: Logger) {}
  @Get(':id')
  get(): { level: string } {
    return { level: this.logger.level }
  }
}

@Module({
  imports: [
    ObservabilityModule.forRoot({
      service: 'observability-int',
      // Silent keeps the "not ready" warnings out of the test output.
      logger: createLogger({ service: 'observability-int', level: 'silent' }),
      readiness: [
        { name: 'nats', check: async () => {} },
        {
          name: 'db',
          check: () =>
            dbError === undefined ? Promise.resolve() : Promise.reject(new Error(dbError)),
        },
      ],
    }),
  ],
  controllers: [PactsController],
})
class AppModule {}

let app: NestFastifyApplication
let base: string

beforeAll(async () => {
  vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', '')
  startTelemetry({ serviceName: 'observability-int' })
  app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), {
    logger: false,
  })
  registerHttpMetrics(app.getHttpAdapter().getInstance())
  await app.listen(0, '127.0.0.1')
  base = await app.getUrl()
})
afterAll(async () => {
  await (app as INestApplication | undefined)?.close()
  vi.unstubAllEnvs()
})

describe('ObservabilityModule over real HTTP', () => {
  it('GET /health/live is always 200 ok', async () => {
    dbError = 'connection refused'
    const res = await fetch(`${base}/health/live`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok' })
  })

  it('GET /health/ready is 503 with the failing check message, then 200 once it recovers', async () => {
    dbError = 'connect ECONNREFUSED 127.0.0.1:5432'
    const down = await fetch(`${base}/health/ready`)
    expect(down.status).toBe(503)
    expect(await down.json()).toEqual({
      status: 'not_ready',
      checks: { nats: 'ok', db: 'connect ECONNREFUSED 127.0.0.1:5432' },
    })

    dbError = undefined
    const up = await fetch(`${base}/health/ready`)
    expect(up.status).toBe(200)
    expect(await up.json()).toEqual({ status: 'ready', checks: { nats: 'ok', db: 'ok' } })
  })

  it('GET /metrics serves Prometheus text, including request durations by route', async () => {
    expect((await fetch(`${base}/pacts/p-1`)).status).toBe(200)

    const res = await fetch(`${base}/metrics`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8')
    const body = await res.text()
    expect(body).toContain('# TYPE http_server_request_duration_seconds histogram')
    expect(body).toMatch(
      /^http_server_request_duration_seconds_count\{http_request_method="GET",http_route="\/pacts\/:id",http_response_status_code="200",[^}]*\} 1$/m,
    )
    expect(body).toMatch(/http_route="\/health\/ready",http_response_status_code="503"/)
  })

  it('gives providers the service logger and Nest a LoggerService over it', async () => {
    expect(await (await fetch(`${base}/pacts/p-1`)).json()).toEqual({ level: 'silent' })
    expect(app.get(NestPinoLogger)).toBeInstanceOf(NestPinoLogger)
  })
})
