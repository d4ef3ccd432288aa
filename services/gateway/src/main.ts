import { startTelemetry } from '@tessera/observability'
import { loadConfig } from './config.ts'

let config
try {
  config = loadConfig()
} catch (err) {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
}

// Telemetry patches http before the proxy loads it, and must exist before counters are made.
startTelemetry({ serviceName: 'gateway' })
const { buildGateway } = await import('./gateway.ts')
const app = await buildGateway({
  serviceUrls: config.serviceUrls,
  readinessTimeoutMs: config.readinessTimeoutMs,
  limits: config.limits,
  logger: {
    level: config.logLevel,
    base: { service: 'gateway' },
    formatters: { level: (label: string) => ({ level: label }) },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
  },
})

await app.listen({ host: config.host, port: config.port })

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    app.log.info({ signal }, 'stopping')
    // in-flight requests get a few seconds; then we leave regardless
    setTimeout(() => process.exit(1), 10_000).unref()
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'close failed')
        process.exit(1)
      },
    )
  })
}
