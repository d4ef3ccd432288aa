import { startTelemetry } from '@tessera/observability'

// Telemetry patches http and pg, so it starts before anything imports them.
startTelemetry({ serviceName: 'guardian' })
const { runService } = await import('@tessera/service-kit')
const { guardian } = await import('./service.ts')
await runService(guardian)
