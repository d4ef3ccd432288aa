import { startTelemetry } from '@tessera/observability'

// Telemetry patches http and pg, so it starts before anything imports them.
startTelemetry({ serviceName: 'jury' })
const { runService } = await import('@tessera/service-kit')
const { jury } = await import('./service.ts')
await runService(jury)
