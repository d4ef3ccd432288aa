export {
  ApiKeyGuard,
  ApiKeyProjection,
  Auth,
  apiKeysInlineProjection,
  apiKeyActor,
  apiKeyMigrations,
  authenticateKey,
  ApiKeyCache,
  findApiKey,
  recordApiKey,
  recordApiKeyRevoked,
  sha256Hex,
} from './api-keys.ts'
export type { ApiKeyRow, ApiKeyRowSource, AuthContext } from './api-keys.ts'
export { NoApiKey, ROLES, Roles, accessOf, requireRole } from './roles.ts'
export type { Role, RouteAccess } from './roles.ts'
export { assertEveryRouteDeclared, routeTable, undeclaredRoutes } from './route-table.ts'
export type { RouteEntry } from './route-table.ts'
export { BaseEnv, ConfigError, loadConfig, serviceEnv } from './config.ts'
export { ApiError, AuthDenied, AuthFailed, NotFound, ValidationFailed } from './errors.ts'
export { EventConsumer, On, toProjection } from './event-consumer.ts'
export type { EventHandler } from './event-consumer.ts'
export { TelemetryRecordsConsumer } from './telemetry-records-consumer.ts'
export type { TelemetryRecordsConsumerOptions } from './telemetry-records-consumer.ts'
export { EventLog, causedBy } from './event-log.ts'
export {
  applyInline,
  inlineProjection,
  onEvent,
  rebuildInlineProjection,
} from './inline-projection.ts'
export type {
  InlineHandler,
  InlineProjection,
  InlineRebuildProgress,
  InlineRebuildResult,
} from './inline-projection.ts'
export { HttpExceptionFilter } from './http-exception.filter.ts'
export { allMigrations, runService } from './run-service.ts'
export type { RunningService, ServiceDefinition, ServiceWorker } from './run-service.ts'
export { API_KEY_ROWS, CONFIG, DB, EVENT_LOG, LOGGER, NATS, SERVICE_SCHEMA } from './tokens.ts'
export { newId, newSecret, newTimeOrderedId } from './ids.ts'
export { QUERY_YEARS, QueryTime, isQueryTime, parseInput } from './validation.ts'
export {
  OWN_BODY_TEXT_CHECKS,
  clientErrorHandler,
  frameworkErrors,
  registerInputRules,
  unstorableText,
} from './input-rules.ts'
export type { TextIssue } from './input-rules.ts'
export { RATE_LIMITED, registerRateLimit } from './rate-limit.ts'
export { pageOf, pageQuery } from './page-cursor.ts'
export type { PageCursor } from './page-cursor.ts'
export { runMigrateCli, runRebuildCli } from './cli.ts'
export { DurableScheduler, jobsSchemaOf } from './durable-scheduler.ts'
export type { DurableSchedulerOptions, ScheduledHandler } from './durable-scheduler.ts'
export { NotifiedCache, PgListener } from './pg-listener.ts'
export type { PgListenerOptions } from './pg-listener.ts'
