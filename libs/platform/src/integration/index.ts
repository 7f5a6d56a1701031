export { decodeMessage } from './consume.js';
export type { DecodedMessage } from './consume.js';
export { ensureTopics } from '@orderflow/kafka-admin';
export { createKafka, messagingLogger } from './kafka.js';
export { EventPublisher } from './publish.js';
export type { Causation } from './publish.js';
export { createMessaging, messagingConfigSchema, prefixedTopics } from './runtime.js';
export type { EventHandler, PrepareBatch, Messaging, MessagingConfig } from './runtime.js';
