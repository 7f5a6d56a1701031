// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the ambient declaration must reach every program that compiles this file (services, tests)
/// <reference path="./kafkajs-internals.d.ts" />
/**
 * Two timers of kafkajs 2.2.4 (its last release) woke an idle service for nothing:
 *
 * - Every broker connection re-armed a 1 ms timer for ever, whether or not a request
 *   waits (tulios/kafkajs#1556, fix proposed in #1667 and never released): an idle
 *   service woke up about 1,600 times a second and burned 5% of a core. The queue
 *   needs checking only when a request is pending, and `push`, the only way one gets
 *   there, schedules the check itself.
 * - Every broker connection looks for timed-out requests every 100 ms, each on a timer
 *   of its own: a service with five connections woke 50 times a second. Requests time
 *   out after 30 s (a fetch after its wait plus that), so looking once a second is
 *   precise enough; the check itself is kafkajs' own.
 *
 * Imported for its effect by the modules that create kafkajs clients.
 */
import RequestQueue from 'kafkajs/src/network/requestQueue/index.js';

/** How often a connection looks for requests past their timeout. */
export const REQUEST_TIMEOUT_CHECK_MS = 1_000;

const { prototype } = RequestQueue;
const schedule = Object.getOwnPropertyDescriptor(prototype, 'scheduleCheckPendingRequests')
  ?.value as (this: RequestQueue) => void;
prototype.scheduleCheckPendingRequests = function (this: RequestQueue) {
  if (this.pending.length === 0) return;
  schedule.call(this);
};

prototype.scheduleRequestTimeoutCheck = function (this: RequestQueue) {
  if (!this.enforceRequestTimeout) return;
  this.destroy();
  this.requestTimeoutIntervalId = setInterval(
    () => {
      const now = Date.now();
      this.inflight.forEach((request) => {
        if (now - request.sentAt > request.requestTimeout) request.timeoutRequest();
      });
      if (!this.isConnected()) this.destroy();
    },
    Math.min(this.requestTimeout, REQUEST_TIMEOUT_CHECK_MS),
  );
};

export { RequestQueue };
