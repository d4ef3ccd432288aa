export { Telemetry } from './telemetry.client.ts'
/** Also what `tessera events send` reads a `Retry-After` with. */
export { parseRetryAfter } from './retry.policy.ts'

export type { TelemetryStats } from './delivery.queue.ts'
export type {
  ResponseInput,
  SessionEndInput,
  SessionStartInput,
  ToolCallInput,
} from './event.builders.ts'
export type { TelemetryLogger, TelemetryOptions } from './telemetry.options.ts'
export type { InstrumentToolSpec } from './tool.instrument.ts'
