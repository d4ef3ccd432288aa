import { v7 as uuidv7 } from 'uuid'
import type { EventMetadata } from '@tessera/contracts'

/** Valid envelope metadata for events a test publishes by hand. */
export function metadataFor(streamId: string): EventMetadata {
  return {
    eventId: uuidv7(),
    streamId,
    streamVersion: 1,
    position: '1',
    occurredAt: new Date().toISOString(),
    correlationId: streamId,
    causationId: null,
    traceparent: null,
    actor: { kind: 'system', id: 'test' },
  }
}
