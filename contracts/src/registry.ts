import type { z } from 'zod'
import { AgentCardPublished, AgentCardWithdrawn } from './events/agent-card.events.ts'
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
  ActionCheckedBatch,
  ApprovalApproved,
  ApprovalConsumed,
  ApprovalDenied,
  ApprovalExpired,
  ApprovalRequested,
} from './events/action.events.ts'
import { GuardPolicySet } from './events/policy.events.ts'
import { DelegationCreated, DelegationRevoked } from './events/delegation.events.ts'
import {
  AccountOpened,
  FundsDeposited,
  JuryPolicySet,
  RedactionPolicySet,
  RoomOpened,
  ScoreChanged,
} from './events/tenancy.events.ts'
import {
  ExecutionFailureReported,
  PactAccepted,
  PactCountered,
  PactExpired,
  PactProposed,
  PactRegistered,
  PactRejected,
  ParamBindingViolated,
  RoomCheckpointSigned,
  RoomEventRecorded,
} from './events/pact.events.ts'
import {
  BondPosted,
  BondSlashed,
  BondStrikeRecorded,
  BondWithdrawn,
  CompletionSubmitted,
  DeadlineMissed,
  DisputeOpened,
  EscrowCreated,
  EscrowRefunded,
  EscrowReleased,
  EscrowDeadlineExtended,
  EscrowSettled,
  VerdictRecorded,
  AppealFeeCharged,
} from './events/escrow.events.ts'
import {
  AppealFiled,
  DisputeReceived,
  DisputeResponded,
  PanelSat,
  QuorumMissed,
  VerdictReached,
} from './events/jury.events.ts'
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
  define(
    'guardian',
    'ApiKeyIssued',
    ApiKeyIssued,
    'An API key was issued (its hash, never the key).',
  ),
  define(
    'guardian',
    'ApiKeyRevoked',
    ApiKeyRevoked,
    'An API key was revoked; it stops working at once.',
  ),
  define(
    'guardian',
    'AgentRegistered',
    AgentRegistered,
    'An agent was registered, with its capabilities and Arden handle.',
  ),
  define(
    'guardian',
    'AgentRevoked',
    AgentRevoked,
    'An agent was revoked, at once and for good; its tokens and sessions end.',
  ),
  define(
    'guardian',
    'CapabilityTokenIssued',
    CapabilityTokenIssued,
    'A capability token was issued to an agent (its hash, never the token).',
  ),
  define(
    'guardian',
    'CapabilityTokenRevoked',
    CapabilityTokenRevoked,
    'A capability token was revoked; introspection reports it inactive at once.',
  ),
  define(
    'guardian',
    'SessionStarted',
    SessionStarted,
    'An agent opened a session with a server, in a mode and under a scope ceiling.',
  ),
  define(
    'guardian',
    'SessionClosed',
    SessionClosed,
    'A session ended, or closed because its agent or its delegation was revoked.',
  ),
  define(
    'guardian',
    'AgentCardPublished',
    AgentCardPublished,
    "An agent's signed A2A agent card was published at its public URL.",
  ),
  define(
    'guardian',
    'AgentCardWithdrawn',
    AgentCardWithdrawn,
    "An agent's A2A agent card was taken down: unpublished, or its agent revoked.",
  ),
  define(
    'guardian',
    'ActionChecked',
    ActionCheckedBatch,
    "Guardian answered action checks (allow, deny, elevation_required): one org's decisions from the decision log, up to 100 a message, each check once.",
  ),
  define(
    'guardian',
    'ApprovalRequested',
    ApprovalRequested,
    'A check needs elevation: an approval is pending for a human or another system.',
  ),
  define(
    'guardian',
    'ApprovalApproved',
    ApprovalApproved,
    'An approval was granted; the same check passes once within the window.',
  ),
  define('guardian', 'ApprovalDenied', ApprovalDenied, 'An approval was refused.'),
  define(
    'guardian',
    'ApprovalExpired',
    ApprovalExpired,
    "Nobody decided an approval within the org's window.",
  ),
  define(
    'guardian',
    'ApprovalConsumed',
    ApprovalConsumed,
    'An approved check was retried and passed; the approval is used up.',
  ),
  define(
    'guardian',
    'DelegationCreated',
    DelegationCreated,
    'An agent delegated part of its authority to another, within what it holds, for a bounded time.',
  ),
  define(
    'guardian',
    'DelegationRevoked',
    DelegationRevoked,
    'A delegation was revoked; the delegations derived from it follow, each with its own event.',
  ),
  define(
    'guardian',
    'GuardPolicySet',
    GuardPolicySet,
    'An org replaced its own rules for action checks, its time zone and approval window.',
  ),
  define('telemetry', 'RedactionPolicySet', RedactionPolicySet, "An org's telemetry redaction."),
  define(
    'escrow',
    'AccountOpened',
    AccountOpened,
    'A ledger account was opened for an org or an agent.',
  ),
  define(
    'escrow',
    'FundsDeposited',
    FundsDeposited,
    'Money came in through a rail onto a ledger account; its transfer carries this event id.',
  ),
  define('pacts', 'RoomOpened', RoomOpened, 'A room (and its ledger) was opened.'),
  define(
    'pacts',
    'PactProposed',
    PactProposed,
    'A buyer proposed signed terms to another agent: round 1 of a negotiation through Tessera.',
  ),
  define(
    'pacts',
    'PactCountered',
    PactCountered,
    'The party whose turn it was answered with amended, signed terms: a new round and hash.',
  ),
  define(
    'pacts',
    'PactAccepted',
    PactAccepted,
    "The other party signed the current round's hash: the pact is active, with both signatures.",
  ),
  define(
    'pacts',
    'PactRegistered',
    PactRegistered,
    'A pact negotiated peer to peer was registered with both signatures: the pact is active.',
  ),
  define(
    'pacts',
    'PactRejected',
    PactRejected,
    'A party rejected the current round; the pact ends.',
  ),
  define(
    'pacts',
    'PactExpired',
    PactExpired,
    'A negotiation ended unanswered in time, or past its round limit.',
  ),
  define(
    'pacts',
    'ExecutionFailureReported',
    ExecutionFailureReported,
    'The seller reported that it could not do the work of an active pact.',
  ),
  define(
    'pacts',
    'ParamBindingViolated',
    ParamBindingViolated,
    "A tool call under a pact broke one of the pact's param_binding conditions.",
  ),
  define(
    'pacts',
    'RoomCheckpointSigned',
    RoomCheckpointSigned,
    "The pacts service signed a checkpoint of a pact's room: its entry count and head hash.",
  ),
  define(
    'pacts',
    'RoomEventRecorded',
    RoomEventRecorded,
    "An escrow, jury or scoring event about a pact, recorded in pacts' log for the pact's room.",
  ),
  define(
    'escrow',
    'EscrowCreated',
    EscrowCreated,
    "A buyer locked a pact's payment against its hash: a pending ledger transfer.",
  ),
  define(
    'escrow',
    'CompletionSubmitted',
    CompletionSubmitted,
    "The seller submitted a signed completion; automated verification recorded each condition's result.",
  ),
  define(
    'escrow',
    'EscrowReleased',
    EscrowReleased,
    'Verification passed: the seller was paid the amount less the 0.5% fee.',
  ),
  define(
    'escrow',
    'DeadlineMissed',
    DeadlineMissed,
    'The seller missed the deadline (after any grace); the buyer is refunded.',
  ),
  define(
    'escrow',
    'EscrowDeadlineExtended',
    EscrowDeadlineExtended,
    'No completion by the deadline, but the seller was seen alive: the deadline moved once by 48 h.',
  ),
  define('escrow', 'EscrowRefunded', EscrowRefunded, 'The funds went back to the buyer.'),
  define(
    'escrow',
    'DisputeOpened',
    DisputeOpened,
    'A party disputed, or verification found a partial delivery: the escrow is frozen.',
  ),
  define(
    'escrow',
    'EscrowSettled',
    EscrowSettled,
    'A disputed escrow was split, by a verdict (less the 1% fee) or by both parties.',
  ),
  define(
    'escrow',
    'VerdictRecorded',
    VerdictRecorded,
    'A round-1 verdict, held until its appeal window closes (then settled, unless appealed).',
  ),
  define(
    'escrow',
    'AppealFeeCharged',
    AppealFeeCharged,
    "An appeal stopped the pending settlement; its fee moved from the appellant's wallet (any shortfall owed).",
  ),
  define('escrow', 'BondPosted', BondPosted, "An agent's bond grew; its tier follows the amount."),
  define(
    'escrow',
    'BondSlashed',
    BondSlashed,
    "An agent's bond was slashed under a documented rule.",
  ),
  define(
    'escrow',
    'BondWithdrawn',
    BondWithdrawn,
    "Part of an agent's bond went back to its wallet; its tier follows the amount.",
  ),
  define(
    'escrow',
    'BondStrikeRecorded',
    BondStrikeRecorded,
    "A missed deadline counted once against the seller's bond; three in 90 days slash it.",
  ),
  define(
    'jury',
    'VerdictReached',
    VerdictReached,
    "A panel's trimmed-median verdict on a dispute: the share released to the seller.",
  ),
  define('jury', 'JuryPolicySet', JuryPolicySet, "An org's dispute jury policy was set."),
  define(
    'jury',
    'DisputeReceived',
    DisputeReceived,
    "Jury took in escrow's DisputeOpened; the other party may respond until respondBy.",
  ),
  define(
    'jury',
    'DisputeResponded',
    DisputeResponded,
    'The party that did not dispute answered the claim.',
  ),
  define(
    'jury',
    'PanelSat',
    PanelSat,
    "A panel read the evidence: its hash, the prompt, every judge's vote or exclusion.",
  ),
  define(
    'jury',
    'QuorumMissed',
    QuorumMissed,
    'Too few judges voted: nothing settles, and the panel sits again at retryAt.',
  ),
  define(
    'jury',
    'AppealFiled',
    AppealFiled,
    'A party appealed the first verdict, for a fee escrow charges; a 2n+1 panel sits.',
  ),
  define('scoring', 'ScoreChanged', ScoreChanged, "A subject's trust score changed."),
] as const satisfies readonly EventDefinition[]

export type RegisteredEvent = (typeof EVENT_REGISTRY)[number]

export function findEventDefinition(context: Context, type: string): EventDefinition | undefined {
  return EVENT_REGISTRY.find((d) => d.context === context && d.type === type)
}

export function subjectOf(def: EventDefinition, prefix = ''): string {
  return eventSubject(def.context, def.type, prefix)
}
