export {
  Actor,
  AnyEnvelope,
  EventId,
  EventMetadata,
  Traceparent,
  envelopeOf,
} from './envelope.ts'
export type { Envelope } from './envelope.ts'
export {
  CONTEXTS,
  DEAD_LETTER_CONTEXT,
  HEADERS,
  INTAKE_REJECTED,
  INTAKE_SUBJECTS,
  SUBJECT_ROOT,
  contextSubjects,
  deadLetterStream,
  deadLetterSubject,
  eventSubject,
  streamName,
  subjectRoot,
} from './subjects.ts'
export type { Context } from './subjects.ts'
export { EVENT_REGISTRY, findEventDefinition, subjectOf } from './registry.ts'
export type { EventDefinition, RegisteredEvent } from './registry.ts'
export { ApiKeyIssued, ApiKeyRevoked, OrgCreated, OrgId } from './events/guardian.events.ts'
export {
  AccountOpened,
  JuryPolicySet,
  MicroUnits,
  RedactionPolicySet,
  RoomOpened,
  ScoreChanged,
} from './events/tenancy.events.ts'
