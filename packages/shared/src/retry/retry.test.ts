import { describe, expect, it } from '@jest/globals';
import { AppError, ErrorCode, InvalidInputError, UnavailableError } from '../errors/app-error.js';
import { backoffDelayMs, canStartBefore, retry, retryDeadline } from './retry.js';

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

describe('retry within a budget', () => {
  it('makes no attempt that could not start before the budget ends, and says how many it made', async () => {
    // A clock that only the attempts move (each takes 100 ms); the waits of 10 ms only count in the check.
    let clock = 1_000;
    const deadlines: Array<number | undefined> = [];
    const failure = await retry(
      async (_attempt, { deadline }) => {
        deadlines.push(deadline);
        clock += 100;
        throw new UnavailableError('inference is down');
      },
      {
        maxAttempts: Number.POSITIVE_INFINITY,
        initialDelayMs: 10,
        maxDelayMs: 10,
        jitter: 0,
        budgetMs: 350,
        now: () => clock,
      },
    ).catch((error: unknown) => error as AppError);
    // By this clock attempts start at +0, +100, +200, +300; a fifth would start at +410, past +350.
    expect(failure.code).toBe(ErrorCode.RetriesExhausted);
    expect(failure.details).toEqual({ attempts: 4, spentMs: 400, budgetMs: 350 });
    expect(failure.message).toMatch(/^Gave up after 4 attempts in 400 ms .*: inference is down$/);
    expect(deadlines).toEqual([1_350, 1_350, 1_350, 1_350]);
  });

  it('keeps to a caller deadline that ends before its own budget', async () => {
    let calls = 0;
    const startedAt = Date.now();
    const failure = await retry(
      async () => {
        calls++;
        throw new UnavailableError('down');
      },
      {
        maxAttempts: 100,
        initialDelayMs: 20,
        maxDelayMs: 20,
        budgetMs: 60_000,
        deadline: startedAt + 150,
      },
    ).catch((error: unknown) => error as AppError);
    expect(failure.code).toBe(ErrorCode.RetriesExhausted);
    expect(Date.now() - startedAt).toBeLessThan(150 + 100);
    expect(calls).toBeGreaterThanOrEqual(3);
    expect(calls).toBeLessThanOrEqual(9);
  });

  it('computes the end as the earlier of start + budget and the deadline, and none without either', () => {
    expect(retryDeadline(1_000, { budgetMs: 500 })).toBe(1_500);
    expect(retryDeadline(1_000, { budgetMs: 500, deadline: 1_200 })).toBe(1_200);
    expect(retryDeadline(1_000, { budgetMs: 100, deadline: 1_200 })).toBe(1_100);
    expect(retryDeadline(1_000, {})).toBeUndefined();
    expect(canStartBefore(1_500, 1_400, 99)).toBe(true);
    expect(canStartBefore(1_500, 1_400, 100)).toBe(false);
    expect(canStartBefore(undefined, 1_400, 1e9)).toBe(true);
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
