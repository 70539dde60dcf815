import { AppError, ErrorCode, isRetriable } from '../errors/app-error.js';

export interface RetryOptions {
  /** Total attempts including the first; 1 = no retry. May be Infinity when a budget or deadline bounds the time. */
  maxAttempts: number;
  /** Delay before the second attempt; doubles (times `factor`) each time. */
  initialDelayMs: number;
  maxDelayMs: number;
  factor?: number;
  /** ± fraction of each delay chosen at random, so retrying clients don't move in lockstep. */
  jitter?: number;
  signal?: AbortSignal;
  /**
   * The whole retry life in ms, counted from the start of the first attempt: no attempt starts after
   * it (a retry whose backoff would end past it is not made). Attempts in flight are not cut short.
   */
  budgetMs?: number;
  /** An absolute end (epoch ms, e.g. a caller's own budget): the same rule as `budgetMs`; the earlier wins. */
  deadline?: number;
  /** Called before each wait, e.g. to log or to send a Kafka heartbeat. */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void | Promise<void>;
  /** Injected for tests: decides whether an error is worth another attempt. */
  isRetriable?: (error: unknown) => boolean;
  random?: () => number;
  /** Injected for tests: the clock (epoch ms) the budget is measured on. */
  now?: () => number;
}

/** What an attempt knows: its number (from 1) and when the retry life ends (epoch ms; undefined = no bound). */
export interface AttemptInfo {
  attempt: number;
  deadline: number | undefined;
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

/** The end of a retry life that starts at `startedAt`: the earlier of `startedAt + budgetMs` and `deadline`. */
export function retryDeadline(
  startedAt: number,
  options: Pick<RetryOptions, 'budgetMs' | 'deadline'>,
): number | undefined {
  const ends = [
    options.budgetMs === undefined ? undefined : startedAt + options.budgetMs,
    options.deadline,
  ].filter((end): end is number => end !== undefined);
  return ends.length === 0 ? undefined : Math.min(...ends);
}

/** Whether an attempt after a wait of `delayMs` from `now` would start before `deadline`. */
export function canStartBefore(deadline: number | undefined, now: number, delayMs: number): boolean {
  return deadline === undefined || now + delayMs < deadline;
}

/**
 * Runs `operation` until it succeeds, fails with a non-retriable error (thrown as is), or runs out
 * of attempts or of time (a RETRIES_EXHAUSTED AppError whose cause is the last error, `details` saying
 * how many attempts were made and, when time ran out, the budget). As in KafkaJS's retrier, the
 * error's own `retriable` flag decides.
 */
export async function retry<T>(
  operation: (attempt: number, info: AttemptInfo) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const retriable = options.isRetriable ?? isRetriable;
  const now = options.now ?? Date.now;
  const startedAt = now();
  const deadline = retryDeadline(startedAt, options);
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await operation(attempt, { attempt, deadline });
    } catch (error) {
      if (!retriable(error)) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      if (attempt >= options.maxAttempts) {
        throw new AppError(ErrorCode.RetriesExhausted, `Gave up after ${attempt} attempts: ${reason}`, {
          cause: error,
          retriable: true,
          details: { attempts: attempt },
        });
      }
      const delayMs = backoffDelayMs(attempt, options, options.random);
      const at = now();
      if (!canStartBefore(deadline, at, delayMs)) {
        const spentMs = at - startedAt;
        throw new AppError(
          ErrorCode.RetriesExhausted,
          `Gave up after ${attempt} attempts in ${spentMs} ms (the retry budget ends ${Math.max(0, (deadline ?? at) - at)} ms later, before the next attempt could start): ${reason}`,
          {
            cause: error,
            retriable: true,
            details: { attempts: attempt, spentMs, budgetMs: (deadline ?? at) - startedAt },
          },
        );
      }
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
