export { Actor, AnyEnvelope, EventId, EventMetadata, Traceparent, envelopeOf } from './envelope.ts'
export type { Envelope } from './envelope.ts'
export {
  CONTEXTS,
  DEAD_LETTER_CONTEXT,
  HEADERS,
  INTAKE_REJECTED,
  INTAKE_SUBJECTS,
  SUBJECT_ROOT,
  contextEventSubjects,
  contextSubjects,
  intakeRejectedSubject,
  intakeSubject,
  intakeSubjects,
  telemetryRecordsSubject,
  deadLetterStream,
  deadLetterSubject,
  eventSubject,
  streamName,
  subjectRoot,
} from './subjects.ts'
export type { Context } from './subjects.ts'
export type { Decider } from './decider.ts'
export { EVENT_REGISTRY, findEventDefinition, subjectOf } from './registry.ts'
export type { EventDefinition, RegisteredEvent } from './registry.ts'
export {
  AgentHandle,
  AgentId,
  AgentRegistered,
  AgentRevoked,
  ApiKeyIssued,
  ApiKeyRevoked,
  ApiKeyRole,
  Capability,
  CapabilityTokenIssued,
  CapabilityTokenRevoked,
  KeyId,
  OrgCreated,
  OrgId,
  SessionClosed,
  SessionId,
  SessionMode,
  SessionStarted,
  TokenId,
} from './events/guardian.events.ts'
export {
  ACTION_CHECKS_PER_MESSAGE,
  ActionChecked,
  ActionCheckedBatch,
  ActionEffect,
  ApprovalApproved,
  ApprovalConsumed,
  ApprovalDenied,
  ApprovalExpired,
  ApprovalId,
  ApprovalRequested,
  CheckDecision,
  CheckId,
  DecidingKey,
  InputDigest,
} from './events/action.events.ts'
export { GuardPolicy, GuardPolicySet, GuardRule } from './events/policy.events.ts'
export type { ActionCheckResult, Approval, ApprovalStatus } from './http/guard.views.ts'
export type { Page, PageRequest } from './http/page.ts'
export { EvaluateTrustBody, TRUST_DIMENSIONS, TrustPolicy } from './http/trust.http.ts'
export type {
  AnomalyFlag,
  BuyerReputation,
  CertificationLevel,
  EvaluateTrustRequest,
  OrgTrustProfile,
  TrustContribution,
  TrustDimension,
  TrustEvaluation,
  TrustExplanation,
  TrustPact,
  TrustProfile,
} from './http/trust.http.ts'
export {
  ACTION_CHECK_LIMITS,
  ActionCheckBody,
  MAX_CHECK_PARAMS_BYTES,
} from './http/actions.http.ts'
export type { ActionCheckRequest } from './http/actions.http.ts'
export {
  AGENT_METADATA_MAX_BYTES,
  AgentStatus,
  ListAgentsFilter,
  RegisterAgentBody,
  RevokeAgentBody,
} from './http/agents.http.ts'
export type { Agent, RegisterAgentRequest } from './http/agents.http.ts'
export { DecideApprovalBody, ListApprovalsFilter } from './http/approvals.http.ts'
export type { DecideApprovalRequest } from './http/approvals.http.ts'
export {
  CreateDelegationBody,
  DelegationStatus,
  ListDelegationsFilter,
  MAX_DELEGATION_TTL_SECONDS,
  RevokeDelegationBody,
  StartDelegatedSessionBody,
} from './http/delegations.http.ts'
export type {
  CreateDelegationRequest,
  DelegatedSession,
  Delegation,
  RevokedDelegation,
  StartDelegatedSessionRequest,
} from './http/delegations.http.ts'
export { StartSessionBody } from './http/sessions.http.ts'
export type { Session, StartSessionRequest } from './http/sessions.http.ts'
export { IntrospectTokenBody, IssueTokenBody, MAX_TOKEN_TTL_SECONDS } from './http/tokens.http.ts'
export type {
  InactiveReason,
  IntrospectTokenRequest,
  IssuedToken,
  IssueTokenRequest,
  RevokedToken,
  TokenIntrospection,
} from './http/tokens.http.ts'
export { Condition, isJsonPointer } from './conditions/condition.ts'
export type {
  AllCondition,
  AnyCondition,
  LeafCondition,
  NotCondition,
} from './conditions/condition.ts'
export {
  MAX_DEPTH,
  MAX_NODES,
  MAX_PATTERN_LENGTH,
  MAX_TESTED_LENGTH,
  MAX_VALUES,
} from './conditions/limits.ts'
export { DelegationCreated, DelegationId, DelegationRevoked } from './events/delegation.events.ts'
export {
  ARDEN_AGENT_PATTERN,
  ARDEN_ERROR_CODES,
  ARDEN_MAX_BATCH,
  ARDEN_MAX_DATA_BYTES,
  ArdenRejection,
  ArdenResponse,
  ULID_PATTERN,
  Ulid,
  batchStatus,
  parseAgentRef,
  splitArdenBody,
  validateArdenEvent,
} from './telemetry/arden.ts'
export type {
  AgentKind,
  ArdenBody,
  ArdenCheck,
  ArdenErrorCode,
  ArdenEvent,
} from './telemetry/arden.ts'
export {
  AgentResponse,
  SessionEnd,
  SessionStart,
  TELEMETRY_MAX_BATCH,
  TELEMETRY_MAX_EVENT_BYTES,
  TELEMETRY_REJECTION_CODES,
  TelemetryBatchRequest,
  TelemetryBatchResponse,
  TelemetryEvent,
  ToolCall,
  occurredAt,
  validateTelemetryEvent,
} from './telemetry/telemetry-events.ts'
export type {
  TelemetryEventCheck,
  TelemetryEventType,
  TelemetryRejectionCode,
} from './telemetry/telemetry-events.ts'
export {
  IntakeRejected,
  TELEMETRY_RECORDS_PER_MESSAGE,
  TelemetryPage,
  TelemetryRecord,
  TelemetryRecordsMessage,
} from './telemetry/records.ts'
export {
  AccountOpened,
  FundsDeposited,
  JuryPolicySet,
  MicroUnits,
  RedactionPolicySet,
  RoomOpened,
  ScoreChanged,
} from './events/tenancy.events.ts'
export {
  AgentCardHash,
  AgentCardPublished,
  AgentCardWithdrawn,
} from './events/agent-card.events.ts'
export { eventParser } from './event-parser.ts'
export type { ParsedEvent } from './event-parser.ts'
export {
  AgentRef,
  Ed25519SignatureHex,
  ExecutionFailureReported,
  PACT_EXTENSION_MAX_DEPTH,
  PACT_MAX_CONDITIONS,
  PACT_TERMS_MAX_BYTES,
  PactAccepted,
  PactCondition,
  PactCountered,
  PactExpired,
  PactHash,
  PactId,
  PactParty,
  PactPayment,
  PactProposed,
  PactRegistered,
  PactRejected,
  PactStatus,
  PactTerms,
  ParamBindingViolated,
  PositiveMicroUnits,
  RoomCheckpointSigned,
  RoomEventRecorded,
  RoomFeedContext,
  Sha256Hex,
} from './events/pact.events.ts'
export {
  AcceptPactBody,
  CounterPactBody,
  ListPactsFilter,
  ProposePactBody,
  RegisterPactBody,
  RejectPactBody,
  ReportExecutionFailureBody,
  ROOM_PAGE_MAX_ENTRIES,
  RoomPageQuery,
} from './http/pacts.http.ts'
export type {
  AcceptPactRequest,
  CounterPactRequest,
  Pact,
  PactRound,
  ProposePactRequest,
  RegisterPactRequest,
  RegisteredPact,
  RejectPactRequest,
  ReportExecutionFailureRequest,
  RoomCheckpoint,
  RoomEntry,
  RoomExport,
  RoomPage,
  RoomPageRequest,
  TesseraKeySet,
} from './http/pacts.http.ts'
export {
  BondPosted,
  BondSlashed,
  BondStrikeRecorded,
  BondWithdrawn,
  CompletionSubmitted,
  ConditionResult,
  DeadlineMissed,
  DisputeId,
  DisputeOpened,
  EscrowCreated,
  EscrowDeadlineExtended,
  EscrowId,
  EscrowRefunded,
  EscrowReleased,
  EscrowSettled,
  VerdictRecorded,
  AppealFeeCharged,
} from './events/escrow.events.ts'
export {
  CreateEscrowBody,
  DisputeEscrowBody,
  MutualSettlementBody,
  SubmitCompletionBody,
  VerifyEscrowBody,
} from './http/escrows.http.ts'
export type {
  CreateEscrowRequest,
  DisputeEscrowRequest,
  Escrow,
  EscrowSettlement,
  EscrowStatus,
  EscrowVerification,
  MutualSettlementRequest,
  PollSettlementOptions,
  SubmitCompletionRequest,
  VerifyEscrowRequest,
} from './http/escrows.http.ts'
export { CreditAccountBody, MAX_CREDIT_MICRO_UNITS, usdcToMicroUnits } from './http/ledger.http.ts'
export { PostBondBody, WithdrawBondBody } from './http/bonds.http.ts'
export type {
  Bond,
  BondSlash,
  BondStrike,
  PostBondRequest,
  PostBondResult,
  WithdrawBondRequest,
} from './http/bonds.http.ts'
export type {
  AccountBalance,
  AccountList,
  CreditAccountRequest,
  CreditResult,
  Statement,
  StatementLine,
} from './http/ledger.http.ts'
export { normaliseToolName, toolWords } from './tool-name.ts'
export {
  Aggregation,
  AppealFiled,
  DISPUTE_RESPONSE_MAX_CHARS,
  DisputeReceived,
  DisputeResponded,
  JudgeBallot,
  JudgeProvider,
  JudgeVote,
  PanelSat,
  QuorumMissed,
  VerdictReached,
} from './events/jury.events.ts'
export {
  AppealDisputeBody,
  DISPUTE_EVIDENCE_MAX_CHARS,
  DisputeStatus,
  ListDisputesFilter,
  RespondDisputeBody,
} from './http/disputes.http.ts'
export type {
  AppealDisputeRequest,
  Dispute,
  DisputeRecord,
  DisputeRecordRound,
  JudgeRecord,
  RecordBallot,
  RespondDisputeRequest,
} from './http/disputes.http.ts'
