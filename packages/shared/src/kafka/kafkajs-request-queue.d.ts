// The one KafkaJS internal the project touches (request-queue-fix.ts); KafkaJS ships no types for it.
declare module 'kafkajs/src/network/requestQueue/index.js' {
  interface RequestQueue {
    pending: unknown[];
    throttledUntil: number;
    throttleCheckTimeoutId: unknown;
    scheduleCheckPendingRequests(this: RequestQueue): void;
    checkPendingRequests(this: RequestQueue): void;
  }
  const RequestQueue: { prototype: RequestQueue };
  export default RequestQueue;
}
