/** The one kafkajs internal this library touches (see kafkajs-idle-fix.ts). */
declare module 'kafkajs/src/network/requestQueue/index.js' {
  export default class RequestQueue {
    constructor(options: {
      instrumentationEmitter?: unknown;
      maxInFlightRequests: number | null;
      requestTimeout: number;
      enforceRequestTimeout: boolean;
      clientId: string;
      broker: string;
      logger: unknown;
      isConnected?: () => boolean;
    });
    pending: unknown[];
    throttledUntil: number;
    throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null;
    inflight: Map<number, { sentAt: number; requestTimeout: number; timeoutRequest(): void }>;
    enforceRequestTimeout: boolean;
    requestTimeout: number;
    requestTimeoutIntervalId: ReturnType<typeof setInterval> | undefined;
    isConnected(): boolean;
    scheduleCheckPendingRequests(): void;
    scheduleRequestTimeoutCheck(): void;
    destroy(): void;
  }
}
