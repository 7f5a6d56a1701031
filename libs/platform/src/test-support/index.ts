// Test helpers for the services: run a service in-process against the real stack.
export { serviceTestConfig, startServiceForTest } from './service.js';
export type { RunningService } from './service.js';
export { EventPlayer, recordOf } from './event-player.js';
export type { Observed, Outgoing, RawRecord } from './event-player.js';
export { poisonRecords } from './poison-records.js';
export type { PoisonRecord, PoisonSamples } from './poison-records.js';
export { describePoisonSuite } from './poison-suite.js';
export type { PoisonSuiteOptions } from './poison-suite.js';
