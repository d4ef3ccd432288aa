import {
  CONTEXTS,
  type Context,
  DEAD_LETTER_CONTEXT,
  contextSubjects,
  deadLetterStream,
  streamName,
  subjectRoot,
} from '@tessera/contracts'

/**
 * The JetStream streams Tessera declares, as plain data so they can be reviewed in one place.
 * Field names follow the JetStream API (`StreamConfig`); durations are nanoseconds.
 */
export interface StreamDeclaration {
  name: string
  subjects: string[]
  description: string
  /** Nanoseconds; 0 keeps messages until limits evict them. */
  max_age: number
  /** Nanoseconds within which a repeated Nats-Msg-Id is dropped as a duplicate. */
  duplicate_window: number
  max_msg_size: number
}

const SECOND = 1_000_000_000
const DAY = 86_400 * SECOND

/**
 * Per-context retention in nanoseconds (0: kept for ever): the Postgres log is the record, so
 * streams only need a replay window. A consumer that remembers what it has seen need not
 * remember longer than this: older messages can no longer be delivered.
 */
export const RETENTION: Readonly<Record<Context, number>> = {
  telemetry: 7 * DAY,
  guardian: 0,
  pacts: 0,
  escrow: 0,
  jury: 0,
  scoring: 30 * DAY,
}

/** Every stream, optionally with a test prefix (`T1A2B3C4_GUARDIAN`, subjects `t1a2b3c4.tessera.…`). */
export function declaredStreams(prefix = ''): StreamDeclaration[] {
  const contexts = CONTEXTS.map((context) => ({
    name: streamName(context, prefix),
    subjects: [contextSubjects(context, prefix)],
    description: `Tessera ${context} events, relayed from the ${context} service's Postgres log`,
    max_age: RETENTION[context],
    duplicate_window: 120 * SECOND,
    max_msg_size: 1024 * 1024,
  }))
  return [
    ...contexts,
    {
      name: `${prefix}INTAKE`,
      subjects: [`${subjectRoot(prefix)}.intake.>`],
      description: 'Raw telemetry published straight onto the bus, and what ingest rejected',
      max_age: 7 * DAY,
      duplicate_window: 120 * SECOND,
      max_msg_size: 1024 * 1024,
    },
    {
      name: deadLetterStream(prefix),
      subjects: [`${subjectRoot(prefix)}.${DEAD_LETTER_CONTEXT}.>`],
      description: 'Messages a consumer gave up on after max_deliver attempts, with the error',
      max_age: 0,
      duplicate_window: 120 * SECOND,
      max_msg_size: 2 * 1024 * 1024,
    },
  ]
}
