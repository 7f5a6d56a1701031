export { loadStackConfig, stackEnvironment, versions } from './config.js';
export type { StackConfig } from './config.js';
export { down, status, up } from './stack.js';
export { StackError } from './progress.js';
export { startPrivateSecureKafka } from './private-kafka.js';
export type { PrivateSecureKafka } from './private-kafka.js';
export type { KafkaUser } from './components/kafka-security.js';
export { allScopes, devAuth, devIssuer, devKeyPaths, TokenIssuer } from './dev-auth.js';
export type { TokenRequest } from './dev-auth.js';
