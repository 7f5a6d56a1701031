// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the ambient declaration must reach every program that compiles this file (services, tests)
/// <reference path="./kafkajs-internals.d.ts" />
/**
 * kafkajs 2.2.4 (its last release) re-arms a 1 ms timer for ever on every broker
 * connection, whether or not a request waits (tulios/kafkajs#1556, fix proposed in
 * #1667 and never released): an idle service woke up about 1,600 times a second and
 * burned 5% of a core doing nothing. The queue needs checking only when a request is
 * pending, and `push`, the only way one gets there, schedules the check itself.
 *
 * Imported for its effect by the modules that create kafkajs clients.
 */
import RequestQueue from 'kafkajs/src/network/requestQueue/index.js';

const { prototype } = RequestQueue;
const schedule = Object.getOwnPropertyDescriptor(prototype, 'scheduleCheckPendingRequests')
  ?.value as (this: RequestQueue) => void;
prototype.scheduleCheckPendingRequests = function (this: RequestQueue) {
  if (this.pending.length === 0) return;
  schedule.call(this);
};

export { RequestQueue };
