import { describe, expect, it } from '@jest/globals';
import { ratioSpread } from './ratio-spread.js';

describe('ratioSpread', () => {
  it('pairs each gRPC round with the direct round beside it, not the medians of each side', () => {
    // Medians of each side are equal (100 / 100), but every pair disagrees: only pairing shows it.
    const spread = ratioSpread([90, 100, 120], [100, 80, 100]);
    expect(spread.rounds).toEqual([0.9, 1.25, 1.2]);
    expect(spread.median).toBe(1.2);
    expect(spread.min).toBe(0.9);
    expect(spread.max).toBe(1.25);
    expect(spread.p25).toBeCloseTo(1.05, 10);
    expect(spread.p75).toBeCloseTo(1.225, 10);
  });

  it('refuses rounds that do not pair up or a direct rate of zero', () => {
    expect(() => ratioSpread([1, 2], [1])).toThrow('as many gRPC rounds as direct ones (2 vs 1)');
    expect(() => ratioSpread([], [])).toThrow('at least 1');
    expect(() => ratioSpread([1], [0])).toThrow('direct round 0 has rate 0');
  });
});
