export { TesseraClient } from './client.ts'
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

export type { TesseraClientEnvOptions, TesseraClientOptions } from './client.ts'
export type { ErrorDetails, TesseraErrorOptions } from './errors.ts'
export type {
  Agent,
  AgentsResource,
  AgentPage,
  AgentStatus,
  CreateAgentRequest,
  ListAgentsRequest,
} from './resources/agents.ts'
export type {
  InactiveReason,
  IntrospectTokenRequest,
  IssuedToken,
  IssueTokenRequest,
  RevokedToken,
  TokenIntrospection,
  TokensResource,
} from './resources/tokens.ts'
