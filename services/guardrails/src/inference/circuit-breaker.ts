import { UnavailableError } from '@aloe/shared/errors';

/**
 * Stops calling a dependency that keeps failing: after `threshold` failures in a row the circuit opens
 * and calls fail at once (retriable, so Kafka work is retried later) until `cooldownMs` has passed;
 * then one trial call is let through (half-open) and its result closes or reopens the circuit.
 */
export function createCircuitBreaker(options: {
  threshold: number;
  cooldownMs: number;
  now?: () => number;
  name: string;
}) {
  const now = options.now ?? (() => Date.now());
  let failures = 0;
  let openedAt: number | undefined;
  let trialInFlight = false;
  return {
    get state(): 'closed' | 'open' | 'half-open' {
      if (openedAt === undefined) return 'closed';
      return now() - openedAt >= options.cooldownMs ? 'half-open' : 'open';
    },
    async call<T>(work: () => Promise<T>, isFailure: (error: unknown) => boolean = () => true): Promise<T> {
      const state = this.state;
      if (state === 'open' || (state === 'half-open' && trialInFlight)) {
        throw new UnavailableError(
          `${options.name} is failing; calls are paused for ${options.cooldownMs} ms (circuit open)`,
        );
      }
      if (state === 'half-open') trialInFlight = true;
      try {
        const result = await work();
        failures = 0;
        openedAt = undefined;
        return result;
      } catch (error) {
        if (isFailure(error)) {
          failures++;
          if (state === 'half-open' || failures >= options.threshold) openedAt = now();
        }
        throw error;
      } finally {
        if (state === 'half-open') trialInFlight = false;
      }
    },
  };
}
export type CircuitBreaker = ReturnType<typeof createCircuitBreaker>;
