import { describe, expect, it } from '@jest/globals';
import { distribution, quantile } from './quantile.js';

describe('quantile', () => {
  it('interpolates between neighbouring ranks', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([10, 20], 0.25)).toBe(12.5);
    expect(quantile([7], 0.95)).toBe(7);
  });

  it('returns the extremes at 0 and 1', () => {
    expect(quantile([5, 9, 1], 0)).toBe(1);
    expect(quantile([5, 9, 1], 1)).toBe(9);
  });

  it('refuses no values and quantiles outside 0–1', () => {
    expect(() => quantile([], 0.5)).toThrow('quantile of no values');
    expect(() => quantile([1], 1.5)).toThrow('must be between 0 and 1');
  });
});

describe('distribution', () => {
  it('summarises p50, p95 and the extremes', () => {
    const values = Array.from({ length: 101 }, (_, i) => i);
    expect(distribution(values)).toEqual({ n: 101, p50: 50, p95: 95, min: 0, max: 100 });
  });
});
