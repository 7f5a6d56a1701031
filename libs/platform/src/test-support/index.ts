// Test helpers for the services: run a service in-process against the real stack.
export { serviceTestConfig, startServiceForTest } from './service.js';
export type { RunningService } from './service.js';
export { EventPlayer } from './event-player.js';
export type { Observed, Outgoing } from './event-player.js';
