export { createTestDatabase, createTopics, stack, testKafka, uniqueName } from './infra.js';
export type { TestDatabase } from './infra.js';
export { eventually } from './eventually.js';
export { pythonEnv } from './python-env.js';
export type { PythonEnv } from './python-env.js';
export { rowsMentioning } from './rows-mentioning.js';
export type { MentioningRow } from './rows-mentioning.js';
export { deliveries, firstDeliveries } from './deliveries.js';
export { allScopes, bearer, testAuth, testIssuer, testToken, TokenIssuer } from './auth.js';
