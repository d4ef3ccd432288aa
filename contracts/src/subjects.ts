/** Bounded contexts, one JetStream stream each. */
export const CONTEXTS = ['telemetry', 'guardian', 'pacts', 'escrow', 'jury', 'scoring'] as const
export type Context = (typeof CONTEXTS)[number]

export const SUBJECT_ROOT = 'tessera'

/** `TELEMETRY`, `GUARDIAN`, … optionally prefixed for test isolation (`T1A2_GUARDIAN`). */
export function streamName(context: Context, prefix = ''): string {
  return `${prefix}${context.toUpperCase()}`
}

/** `tessera.pacts.PactRegistered`, optionally under a test prefix (`t1a2.tessera.pacts…`). */
export function eventSubject(context: Context, eventType: string, prefix = ''): string {
  return `${subjectRoot(prefix)}.${context}.${eventType}`
}

/** One context's event subjects for consumers: `tessera.pacts.*` (bulk subjects have more tokens). */
export function contextEventSubjects(context: Context, prefix = ''): string {
  return `${subjectRoot(prefix)}.${context}.*`
}

/** Where ingest fans out stored telemetry, many records per message. */
export function telemetryRecordsSubject(prefix = ''): string {
  return `${subjectRoot(prefix)}.telemetry.records.batch`
}

/** All subjects of one context: `tessera.pacts.>`. */
export function contextSubjects(context: Context, prefix = ''): string {
  return `${subjectRoot(prefix)}.${context}.>`
}

export function subjectRoot(prefix = ''): string {
  return prefix ? `${prefix.toLowerCase().replace(/_+$/, '')}.${SUBJECT_ROOT}` : SUBJECT_ROOT
}

/** Raw telemetry users may publish straight onto the bus. */
export const INTAKE_SUBJECTS = 'intake.>'
/** Where ingest puts intake messages it rejects, with their error codes. */
export const INTAKE_REJECTED = 'intake.rejected'

/**
 * `tessera.intake.arden[.…]` carries Arden v1 bodies, `tessera.intake.telemetry[.…]` telemetry
 * batches or single events; further tokens are the publisher's (e.g. per agent).
 */
export function intakeSubject(protocol: 'arden' | 'telemetry', prefix = ''): string {
  return `${subjectRoot(prefix)}.intake.${protocol}`
}
export function intakeRejectedSubject(prefix = ''): string {
  return `${subjectRoot(prefix)}.${INTAKE_REJECTED}`
}
export function intakeSubjects(prefix = ''): string {
  return `${subjectRoot(prefix)}.${INTAKE_SUBJECTS}`
}

/** Dead letters: one stream for all contexts, subject `tessera.dlq.<stream>.<consumer>`. */
export const DEAD_LETTER_CONTEXT = 'dlq'
export function deadLetterStream(prefix = ''): string {
  return `${prefix}DEADLETTER`
}
export function deadLetterSubject(stream: string, consumer: string, prefix = ''): string {
  return `${subjectRoot(prefix)}.${DEAD_LETTER_CONTEXT}.${stream}.${consumer}`
}

/** Headers Tessera sets on every bus message. */
export const HEADERS = {
  streamId: 'Tessera-Stream-Id',
  eventType: 'Tessera-Event-Type',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  error: 'Tessera-Error',
  originalSubject: 'Tessera-Original-Subject',
  originalStream: 'Tessera-Original-Stream',
  originalSequence: 'Tessera-Original-Sequence',
  deliveries: 'Tessera-Deliveries',
} as const
