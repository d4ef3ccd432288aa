import { startTelemetry } from '@tessera/observability'

// Telemetry patches http and pg, so it starts before anything imports them.
startTelemetry({ serviceName: 'ingest' })
const { runService } = await import('@tessera/service-kit')
const { ingest } = await import('./service.ts')
await runService(ingest)
