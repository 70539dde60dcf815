import { AppError, ErrorCode, isRetriable } from '../errors/app-error.js';

export interface RetryOptions {
  /** Total attempts including the first; 1 = no retry. */
  maxAttempts: number;
  /** Delay before the second attempt; doubles (times `factor`) each time. */
  initialDelayMs: number;
  maxDelayMs: number;
  factor?: number;
  /** ± fraction of each delay chosen at random, so retrying clients don't move in lockstep. */
  jitter?: number;
  signal?: AbortSignal;
  /** Called before each wait, e.g. to log or to send a Kafka heartbeat. */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void | Promise<void>;
  /** Injected for tests: decides whether an error is worth another attempt. */
  isRetriable?: (error: unknown) => boolean;
  random?: () => number;
}

export const defaultRetryOptions: RetryOptions = { maxAttempts: 5, initialDelayMs: 200, maxDelayMs: 10_000 };

/** The delay before attempt `attempt + 1` (attempt counts from 1). */
export function backoffDelayMs(
  attempt: number,
  options: RetryOptions,
  random: () => number = Math.random,
): number {
  const factor = options.factor ?? 2;
  const jitter = options.jitter ?? 0.2;
  const base = Math.min(options.maxDelayMs, options.initialDelayMs * factor ** (attempt - 1));
  const spread = base * jitter * (random() * 2 - 1);
  return Math.max(0, Math.round(base + spread));
}

/**
 * Runs `operation` until it succeeds, fails with a non-retriable error (thrown as is), or runs out
 * of attempts (a RETRIES_EXHAUSTED AppError whose cause is the last error). As in KafkaJS's retrier,
 * the error's own `retriable` flag decides.
 */
export async function retry<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const retriable = options.isRetriable ?? isRetriable;
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await operation(attempt);
    } catch (error) {
      if (!retriable(error)) throw error;
      if (attempt >= options.maxAttempts) {
        throw new AppError(
          ErrorCode.RetriesExhausted,
          `Gave up after ${attempt} attempts: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error, retriable: true, details: { attempts: attempt } },
        );
      }
      const delayMs = backoffDelayMs(attempt, options, options.random);
      await options.onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs, options.signal);
    }
  }
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
