import { startTelemetry } from '@tessera/observability'

// Telemetry patches http and pg, so it starts before anything imports them.
startTelemetry({ serviceName: 'scoring' })
const { runService } = await import('@tessera/service-kit')
const { scoring } = await import('./service.ts')
await runService(scoring)
