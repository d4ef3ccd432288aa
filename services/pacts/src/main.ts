import { startTelemetry } from '@tessera/observability'

// Telemetry patches http and pg, so it starts before anything imports them.
startTelemetry({ serviceName: 'pacts' })
const { runService } = await import('@tessera/service-kit')
const { pacts } = await import('./service.ts')
await runService(pacts)
