export { TesseraClient, trustOracle } from './client.ts'
export { MAX_INPUT_CHARS, TesseraGuard } from './guard.ts'
export type { GuardCall, TesseraGuardOptions } from './guard.ts'
export {
  ActionDeniedError,
  AuthenticationError,
  AuthorizationError,
  ElevationRequiredError,
  GuardianUnavailableError,
  NetworkError,
  NotFoundError,
  TesseraError,
  ValidationError,
} from './errors.ts'

export { TESSERA_TRUST_EXTENSION_URI } from './resources/agent-cards.ts'
export { verifyAgentCard } from './verify-agent-card.ts'
/** Checks a room's hash chain and checkpoint signatures offline; the same code pacts writes with. */
export { ROOM_GENESIS_HASH, roomCheckpointHash, roomEntryHash, verifyRoom } from '@tessera/crypto'
/** What a card's signatures sign; the same function guardian signs with. */
export { agentCardPayload } from '@tessera/crypto'
/**
 * A pact's hash (SHA-256 of the terms' RFC 8785 JSON) and the agent's local Ed25519 signature
 * of it: the same functions pacts verifies with, so both sides compute the same bytes.
 */
export { pactHash, signPact, verifyPactSignature } from '@tessera/crypto'
export { deliverableHash, settlementHash, signCompletion, signSettlement } from '@tessera/crypto'

export type { TesseraClientEnvOptions, TesseraClientOptions, TrustOracleOptions } from './client.ts'
export type { ErrorDetails, TesseraErrorOptions } from './errors.ts'
/** The wire shapes guardian validates and answers with, from the contracts it is built on. */
export type {
  AccountBalance,
  AccountList,
  Bond,
  BondSlash,
  BondStrike,
  PostBondRequest,
  PostBondResult,
  WithdrawBondRequest,
  CreditAccountRequest,
  CreditResult,
  Statement,
  StatementLine,
  ActionCheckRequest,
  ActionCheckResult,
  Agent,
  AgentStatus,
  Approval,
  ApprovalStatus,
  CreateDelegationRequest,
  DelegatedSession,
  Delegation,
  DelegationStatus,
  InactiveReason,
  IntrospectTokenRequest,
  IssuedToken,
  IssueTokenRequest,
  Page,
  PageRequest,
  AcceptPactRequest,
  CounterPactRequest,
  Pact,
  PactParty,
  PactRound,
  PactStatus,
  PactTerms,
  ProposePactRequest,
  RegisterPactRequest,
  RegisteredPact,
  RejectPactRequest,
  ReportExecutionFailureRequest,
  RevokedDelegation,
  RevokedToken,
  Session,
  TokenIntrospection,
} from '@tessera/contracts'
export type {
  AgentsResource,
  AgentPage,
  CreateAgentRequest,
  ListAgentsRequest,
} from './resources/agents.ts'
export type { TokensResource } from './resources/tokens.ts'
export type {
  DelegationPage,
  DelegationsResource,
  InitDelegatedSessionRequest,
  ListDelegationsRequest,
} from './resources/delegations.ts'
export type { ActionsResource, CheckPage, ListChecksRequest } from './resources/actions.ts'
export type { InitSessionRequest, SessionsResource } from './resources/sessions.ts'
export type {
  ApprovalPage,
  ApprovalsResource,
  ListApprovalsRequest,
} from './resources/approvals.ts'
export type {
  GuardPolicy,
  GuardPolicyResource,
  SetGuardPolicyRequest,
} from './resources/guard-policy.ts'
export type {
  AgentCard,
  AgentCardExtension,
  AgentCardJwks,
  AgentCardOverrides,
  AgentCardSecurityRequirement,
  AgentCardSignature,
  AgentCardSkill,
  AgentCardsResource,
  PublishedAgentCard,
  TesseraTrustExtensionParams,
} from './resources/agent-cards.ts'
export type {
  RoomExport,
  RoomPage,
  RoomPageRequest,
  RoomEntry,
  RoomCheckpoint,
  TesseraKeySet,
} from '@tessera/contracts'
export type {
  RoomKeySet,
  RoomProblem,
  RoomProblemCode,
  RoomToVerify,
  RoomVerification,
} from '@tessera/crypto'
export type { RoomsResource, RoomVerifyOptions } from './resources/rooms.ts'
export type {
  AgentCardInvalidReason,
  AgentCardKeys,
  AgentCardVerification,
} from './verify-agent-card.ts'
export type { ListPactsRequest, PactPage, PactsResource } from './resources/pacts.ts'
export type { AccountsResource } from './resources/accounts.ts'
export type { BondsResource } from './resources/bonds.ts'
export type { DisputePage, DisputesResource, ListDisputesRequest } from './resources/disputes.ts'
/** The jury's wire shapes (docs/jury.md). */
export type {
  AppealDisputeRequest,
  Dispute,
  DisputeRecord,
  DisputeRecordRound,
  DisputeStatus,
  JudgeRecord,
  RecordBallot,
  RespondDisputeRequest,
} from '@tessera/contracts'
export type { EscrowResource } from './resources/escrow.ts'
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
} from '@tessera/contracts'
export type { TrustResource } from './resources/trust.ts'
export type {
  AnomalyFlag,
  BuyerReputation,
  EvaluateTrustRequest,
  TrustEvaluation,
  TrustExplanation,
  TrustPact,
  TrustPolicy,
  TrustProfile,
} from '@tessera/contracts'
