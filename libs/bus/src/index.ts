export { connectBus, deleteStreams, provisionStreams } from './connection.ts'
export type { BusOptions } from './connection.ts'
export { defaultBackoff, ensureConsumer, runConsumer, runRawConsumer } from './consumer.ts'
export type {
  BatchHandler,
  BusLogger,
  ConsumerSpec,
  Delivered,
  RawDelivered,
  RunningConsumer,
} from './consumer.ts'
export { sendToDeadLetter } from './dead-letter.ts'
export { errorMessage } from './error-message.ts'
export { startOutboxRelay } from './outbox-relay.ts'
export type { RelayOptions, RunningRelay } from './outbox-relay.ts'
export { publishEnvelopes } from './publish.ts'
export { extractTrace, injectTrace } from './trace-headers.ts'
