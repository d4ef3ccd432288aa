export { TesseraClient } from './client.ts'
export { MAX_INPUT_CHARS, TesseraGuard } from './guard.ts'
export type { TesseraGuardOptions } from './guard.ts'
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
/** What a card's signatures sign; the same function guardian signs with. */
export { agentCardPayload } from '@tessera/crypto'

export type { TesseraClientEnvOptions, TesseraClientOptions } from './client.ts'
export type { ErrorDetails, TesseraErrorOptions } from './errors.ts'
/** The wire shapes guardian validates and answers with, from the contracts it is built on. */
export type {
  AccountBalance,
  AccountList,
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
  AgentCardInvalidReason,
  AgentCardKeys,
  AgentCardVerification,
} from './verify-agent-card.ts'
export type { AccountsResource } from './resources/accounts.ts'
