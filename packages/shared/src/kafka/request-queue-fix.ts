import RequestQueue from 'kafkajs/src/network/requestQueue/index.js';

/**
 * KafkaJS 2.2.4 (its last release) reschedules its pending-request check after every response even
 * when nothing is pending and nothing is throttled, with a delay of `-1 - Date.now()`: Node runs that
 * after 1 ms, so every broker connection wakes the process about a thousand times a second for
 * nothing, and Node 24 prints a TimeoutNegativeWarning each time it starts (tulios/kafkajs#1704,
 * #1751; the open fix #1768). This skips the schedule in exactly that case, as #1768's review
 * proposes; every other case runs KafkaJS's own code. Requests queued later schedule their own check.
 * Imported (not required) so that it patches the same copy of KafkaJS that `import 'kafkajs'` loads.
 */
const FIXED = Symbol.for('aloe.kafkajs.requestQueueFix');

export function fixKafkaRequestQueue(): void {
  const prototype = RequestQueue.prototype as typeof RequestQueue.prototype & { [FIXED]?: true };
  if (prototype[FIXED]) return;
  const schedule = prototype.scheduleCheckPendingRequests;
  prototype.scheduleCheckPendingRequests = function scheduleOnlyWhenNeeded() {
    const idle =
      this.pending.length === 0 && this.throttledUntil <= Date.now() && !this.throttleCheckTimeoutId;
    if (!idle) schedule.call(this);
  };
  prototype[FIXED] = true;
}
