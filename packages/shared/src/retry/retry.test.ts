import { describe, expect, it } from '@jest/globals';
import { AppError, ErrorCode, InvalidInputError, UnavailableError } from '../errors/app-error.js';
import { backoffDelayMs, retry } from './retry.js';

const fast = { maxAttempts: 4, initialDelayMs: 1, maxDelayMs: 4 };

describe('retry', () => {
  it('retries retriable failures until the operation succeeds', async () => {
    let calls = 0;
    const result = await retry(async (attempt) => {
      calls++;
      if (attempt < 3) throw new UnavailableError('down');
      return 'ok';
    }, fast);
    expect(result).toBe('ok');
    expect(calls).toBe(3);
  });

  it('throws a non-retriable error at once, unchanged', async () => {
    let calls = 0;
    const error = new InvalidInputError('bad');
    await expect(
      retry(async () => {
        calls++;
        throw error;
      }, fast),
    ).rejects.toBe(error);
    expect(calls).toBe(1);
  });

  it('never retries programmer errors', async () => {
    let calls = 0;
    await expect(
      retry(async () => {
        calls++;
        throw new TypeError('undefined is not a function');
      }, fast),
    ).rejects.toThrow(TypeError);
    expect(calls).toBe(1);
  });

  it('gives up after maxAttempts with RETRIES_EXHAUSTED wrapping the last error', async () => {
    const last = new UnavailableError('still down');
    const failure = await retry(async () => {
      throw last;
    }, fast).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AppError);
    expect((failure as AppError).code).toBe(ErrorCode.RetriesExhausted);
    expect((failure as AppError).cause).toBe(last);
    expect((failure as AppError).details).toEqual({ attempts: 4 });
  });

  it('stops waiting when its signal aborts', async () => {
    const controller = new AbortController();
    const pending = retry(
      async () => {
        throw new UnavailableError('down');
      },
      { maxAttempts: 10, initialDelayMs: 60_000, maxDelayMs: 60_000, signal: controller.signal },
    );
    controller.abort(new Error('stopping'));
    await expect(pending).rejects.toThrow('stopping');
  });
});

describe('backoffDelayMs', () => {
  it('doubles from the initial delay up to the cap, without jitter at the midpoint', () => {
    const options = { maxAttempts: 10, initialDelayMs: 100, maxDelayMs: 1_000 };
    const midpoint = () => 0.5;
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelayMs(attempt, options, midpoint))).toEqual([
      100, 200, 400, 800, 1_000,
    ]);
  });

  it('spreads delays by at most the jitter fraction', () => {
    const options = { maxAttempts: 10, initialDelayMs: 100, maxDelayMs: 1_000, jitter: 0.2 };
    expect(backoffDelayMs(1, options, () => 0)).toBe(80);
    expect(backoffDelayMs(1, options, () => 0.999999)).toBe(120);
  });
});
