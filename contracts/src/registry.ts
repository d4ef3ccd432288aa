import type { z } from 'zod'
import {
  AgentRegistered,
  AgentRevoked,
  ApiKeyIssued,
  ApiKeyRevoked,
  CapabilityTokenIssued,
  CapabilityTokenRevoked,
  OrgCreated,
  SessionClosed,
  SessionStarted,
} from './events/guardian.events.ts'
import {
  AccountOpened,
  JuryPolicySet,
  RedactionPolicySet,
  RoomOpened,
  ScoreChanged,
} from './events/tenancy.events.ts'
import { type Context, eventSubject } from './subjects.ts'

export interface EventDefinition {
  context: Context
  type: string
  data: z.ZodType
  description: string
}

function define<const C extends Context, const T extends string, D extends z.ZodType>(
  context: C,
  type: T,
  data: D,
  description: string,
) {
  return { context, type, data, description }
}

/** Every event type that travels on the bus. A subject's schema is looked up here. */
export const EVENT_REGISTRY = [
  define('guardian', 'OrgCreated', OrgCreated, 'An org was created; every service provisions it.'),
  define('guardian', 'ApiKeyIssued', ApiKeyIssued, 'An API key was issued (its hash, never the key).'),
  define('guardian', 'ApiKeyRevoked', ApiKeyRevoked, 'An API key was revoked; it stops working at once.'),
  define('guardian', 'AgentRegistered', AgentRegistered, 'An agent was registered, with its capabilities and Arden handle.'),
  define('guardian', 'AgentRevoked', AgentRevoked, 'An agent was revoked, at once and for good; its tokens and sessions end.'),
  define('guardian', 'CapabilityTokenIssued', CapabilityTokenIssued, "A capability token was issued to an agent (its hash, never the token)."),
  define('guardian', 'CapabilityTokenRevoked', CapabilityTokenRevoked, 'A capability token was revoked; introspection reports it inactive at once.'),
  define('guardian', 'SessionStarted', SessionStarted, 'An agent opened a session with a server, in a mode and under a scope ceiling.'),
  define('guardian', 'SessionClosed', SessionClosed, 'A session ended, or closed because its agent was revoked.'),
  define('telemetry', 'RedactionPolicySet', RedactionPolicySet, "An org's telemetry redaction."),
  define('escrow', 'AccountOpened', AccountOpened, 'A ledger account was opened for an org.'),
  define('pacts', 'RoomOpened', RoomOpened, 'A room (and its ledger) was opened.'),
  define('jury', 'JuryPolicySet', JuryPolicySet, "An org's dispute jury policy was set."),
  define('scoring', 'ScoreChanged', ScoreChanged, "A subject's trust score changed."),
] as const satisfies readonly EventDefinition[]

export type RegisteredEvent = (typeof EVENT_REGISTRY)[number]

export function findEventDefinition(context: Context, type: string): EventDefinition | undefined {
  return EVENT_REGISTRY.find((d) => d.context === context && d.type === type)
}

export function subjectOf(def: EventDefinition, prefix = ''): string {
  return eventSubject(def.context, def.type, prefix)
}
