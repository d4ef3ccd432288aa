export { connectBus, deleteStreams, provisionStreams } from './connection.ts'
export type { BusOptions } from './connection.ts'
export { runConsumer, runRawConsumer } from './consumer.ts'
export type {
  BatchHandler,
  BusLogger,
  ConsumerSpec,
  Delivered,
  RawDelivered,
  RunningConsumer,
} from './consumer.ts'
export { LeaderLock } from './leader-lock.ts'
export { startRelayLoop } from './relay-loop.ts'
export type { RelayLoop, RelayLoopOptions } from './relay-loop.ts'
export { startOutboxRelay } from './outbox-relay.ts'
export type { RelayOptions, RunningRelay } from './outbox-relay.ts'
export { publishEnvelopes } from './publish.ts'
