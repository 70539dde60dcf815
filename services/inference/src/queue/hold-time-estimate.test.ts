import { describe, expect, it } from '@jest/globals';
import { HoldTimeEstimate } from './hold-time-estimate.js';

describe('HoldTimeEstimate', () => {
  it('starts at its initial value, then follows the median of recent holds', () => {
    const estimate = new HoldTimeEstimate({ initialMs: 1_000, window: 5 });
    expect(estimate.ms).toBe(1_000);
    estimate.record(300);
    expect(estimate.ms).toBe(300);
    estimate.record(500);
    expect(estimate.ms).toBe(400);
    estimate.record(400);
    expect(estimate.ms).toBe(400);
  });

  it('is not moved by one huge outlier (the 8-minute request of issue #14)', () => {
    const estimate = new HoldTimeEstimate({ window: 21 });
    for (let i = 0; i < 10; i++) estimate.record(800 + i * 10);
    const before = estimate.ms;
    estimate.record(8 * 60_000);
    expect(estimate.ms).toBeGreaterThanOrEqual(before);
    expect(estimate.ms).toBeLessThan(before + 20);
  });

  it('forgets holds older than its window', () => {
    const estimate = new HoldTimeEstimate({ window: 3 });
    for (const ms of [10_000, 10_000, 10_000, 200, 200]) estimate.record(ms);
    expect(estimate.ms).toBe(200);
  });

  it('stays within its bounds and ignores durations that are not one', () => {
    const estimate = new HoldTimeEstimate({ minMs: 50, maxMs: 60_000, window: 3 });
    estimate.record(Number.NaN);
    estimate.record(-5);
    expect(estimate.ms).toBe(1_000);
    for (let i = 0; i < 3; i++) estimate.record(1);
    expect(estimate.ms).toBe(50);
    for (let i = 0; i < 3; i++) estimate.record(3_600_000);
    expect(estimate.ms).toBe(60_000);
  });

  it('refuses bounds that cannot hold an estimate', () => {
    expect(() => new HoldTimeEstimate({ minMs: 10, maxMs: 5 })).toThrow(RangeError);
    expect(() => new HoldTimeEstimate({ window: 0 })).toThrow(RangeError);
  });
});
