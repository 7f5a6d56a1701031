export { ConfigError, env, parseConfig, parseConfigOrExit } from './config.js';
export { authConfigSchema, requireAuth } from './auth-config.js';
export type { AuthConfig } from './auth-config.js';
export {
  adminScope,
  authenticatorFromConfig,
  customerFilter,
  hasScopes,
  jwtAuthenticator,
  maySee,
  notYourCustomer,
  Scopes,
  unauthenticated,
} from './auth.js';
export type { Authenticator, KeySet, Principal, VerifierOptions } from './auth.js';
export { RateLimiter, take, writeRateLimiter } from './rate-limit.js';
export type { Admission, Bucket, BucketPolicy } from './rate-limit.js';
export { createDatabase, databaseAnswers, migrateToLatest } from './database.js';
export { appendOnlyTables, grantRuntimeAccess, migrateDatabase, roleOf } from './database-roles.js';
export type { Migrate } from './database-roles.js';
export { correlationHeader, correlationIdOf, createHttpApp, createMetricsApp } from './http.js';
export { serve } from './http-server.js';
export type { HttpAppOptions, ReadinessCheck } from './http.js';
export { HttpApi, principalOf } from './http-api.js';
export type { ApiGuards, ApiInfo, HttpMethod } from './http-api.js';
export { problem } from './openapi-operation.js';
export type { OperationSpec, ResponseSpec } from './openapi-operation.js';
export { SchemaComponents, unresolvedRefs } from './openapi.js';
export type { JsonSchema } from './openapi.js';
export { storedText } from './stored-text.js';
export { PollLoop } from './poll-loop.js';
export type { PollLoopOptions } from './poll-loop.js';
export { onShutdown } from './lifecycle.js';
export type { Closer } from './lifecycle.js';
export { createLogger } from './logger.js';
export type { Logger } from './logger.js';
export { HttpProblem } from './problem.js';
export type { FieldError } from './problem.js';
export { baseConfigSchema, runService } from './service.js';
export type { BaseConfig, ServiceContext, ServiceParts } from './service.js';
export * from './integration/index.js';
export { validate } from './validation.js';
export { currentLogContext, setLogOrderId, withLogContext } from './log-context.js';
export type { LogContext } from './log-context.js';
