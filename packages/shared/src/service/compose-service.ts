import type { Logger } from '../logging/logger.js';
import { createShutdown, type Shutdown } from '../shutdown/shutdown.js';

/**
 * A service's parts, started in order by `start` (each registers how it closes on `steps`) and closed
 * in reverse: by the returned `close()` (idempotent; rejects if a part failed to close, each failure is
 * logged), or at once when start-up fails half-way, before the error is rethrown. What createService
 * of every service shares.
 */
export async function composeService<Started extends object>(
  options: { name: string; logger: Logger; timeoutMs: number },
  start: (steps: Shutdown) => Promise<Started>,
): Promise<Started & { close(): Promise<void> }> {
  let closeFailed = false;
  const steps = createShutdown({
    logger: options.logger,
    timeoutMs: options.timeoutMs,
    exit: (code) => {
      closeFailed ||= code !== 0;
    },
  });
  const closeSteps = async (reason: string) => {
    await steps.shutdown(reason);
    if (closeFailed) throw new Error(`${options.name}: a part failed to close (see the log)`);
  };
  try {
    const started = await start(steps);
    let closing: Promise<void> | undefined;
    return {
      ...started,
      close: () => {
        closing ??= closeSteps('service closed');
        return closing;
      },
    };
  } catch (error) {
    await closeSteps('start-up failed').catch(() => undefined);
    throw error;
  }
}
