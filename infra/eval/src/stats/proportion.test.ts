import { describe, expect, it } from '@jest/globals';
import { proportion } from './proportion.js';

describe('proportion (Wilson score 95% interval)', () => {
  it('gives 0.4902..0.9433 for 8 of 10, as computed by hand', () => {
    const result = proportion(8, 10);
    expect(result).toMatchObject({ successes: 8, total: 10, value: 0.8 });
    expect(result.low).toBeCloseTo(0.4902, 4);
    expect(result.high).toBeCloseTo(0.9433, 4);
  });

  it('puts the low bound exactly at 0 for no successes and the high bound at z²/(n+z²)', () => {
    const result = proportion(0, 5);
    expect(result.value).toBe(0);
    expect(result.low).toBe(0);
    expect(result.high).toBeCloseTo(0.43448, 5);
  });

  it('puts the high bound exactly at 1 for all successes and the low bound at n/(n+z²)', () => {
    const result = proportion(5, 5);
    expect(result.value).toBe(1);
    expect(result.high).toBe(1);
    expect(result.low).toBeCloseTo(0.56552, 5);
  });

  it('is symmetric around one half and narrows as the sample grows', () => {
    const small = proportion(5, 10);
    const large = proportion(500, 1000);
    expect(small.low + small.high).toBeCloseTo(1, 12);
    expect(large.high - large.low).toBeLessThan(small.high - small.low);
    expect(large.low).toBeCloseTo(0.46907, 4);
    expect(large.high).toBeCloseTo(0.53093, 4);
  });

  it('reports the whole range when there were no trials', () => {
    expect(proportion(0, 0)).toEqual({ successes: 0, total: 0, value: 0, low: 0, high: 1 });
  });

  it('refuses counts that cannot be a proportion', () => {
    expect(() => proportion(3, 2)).toThrow(RangeError);
    expect(() => proportion(-1, 2)).toThrow(RangeError);
    expect(() => proportion(1.5, 2)).toThrow(RangeError);
    expect(() => proportion(0, -1)).toThrow(RangeError);
  });
});
