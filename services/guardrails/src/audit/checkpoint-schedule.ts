import type { CheckpointResult } from './audit-integrity.js';

/**
 * Signs a checkpoint every `intervalMs` (the store skips it when no row was added), so at most one
 * interval of rows is protected by row signatures alone. One at a time; `stop()` waits for the last.
 */
export function scheduleCheckpoints(
  audit: { checkpoint(): Promise<CheckpointResult> },
  options: {
    intervalMs: number;
    onResult: (result: CheckpointResult) => void;
    onError: (error: unknown) => void;
  },
): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= audit
      .checkpoint()
      .then(options.onResult, options.onError)
      .finally(() => {
        running = undefined;
      });
  }, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
