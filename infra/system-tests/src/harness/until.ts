import { waitFor } from '@aloe/shared/testing';

const ABORTED = Symbol('aborted');

/**
 * waitFor that gives up at once when `signal` aborts (the test failed elsewhere and is cleaning up), so
 * no poll outlives the test.
 */
export async function until<T>(
  signal: AbortSignal,
  predicate: () => T | Promise<T>,
  options: { what: string; timeoutMs?: number; intervalMs?: number },
): Promise<NonNullable<T>> {
  const value = await waitFor(async () => (signal.aborted ? ABORTED : predicate()), options);
  if (value === ABORTED) throw new Error(`stopped waiting for ${options.what}: the test is over`);
  return value as NonNullable<T>;
}

/** A pause that ends early (rejecting) when `signal` aborts. */
export function pause(signal: AbortSignal, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error('the test is over'));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('the test is over'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
