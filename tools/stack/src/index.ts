export { loadStackConfig, stackEnvironment, versions } from './config.js';
export type { StackConfig } from './config.js';
export { down, status, up } from './stack.js';
export { StackError } from './progress.js';
export { startPrivateSecureKafka } from './private-kafka.js';
export type { PrivateSecureKafka } from './private-kafka.js';
export type { KafkaUser } from './components/kafka-security.js';
export { allScopes, devAuth, devIssuer, devKeyPaths, TokenIssuer } from './dev-auth.js';
export type { TokenRequest } from './dev-auth.js';
export { issueCertificates } from './components/kafka-security.js';
export { serviceGrants } from './components/kafka-acls.js';
export { components } from './stack.js';
export type { Component } from './component.js';
export {
  ensureServiceBundle,
  service,
  serviceEntry,
  serviceMarker,
  serviceNames,
} from './components/service.js';
export type { ServiceName, ServiceOverrides } from './components/service.js';
export { readPid, startDaemon, stopDaemon } from './process.js';
export type { DaemonSpec } from './process.js';
export { freePort } from './ports.js';
export { waitUntil } from './readiness.js';
