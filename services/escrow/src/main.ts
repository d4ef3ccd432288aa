import { startTelemetry } from '@tessera/observability'

// Telemetry patches http and pg, so it starts before anything imports them.
startTelemetry({ serviceName: 'escrow' })
const { runService } = await import('@tessera/service-kit')
const { escrow } = await import('./service.ts')
await runService(escrow)
