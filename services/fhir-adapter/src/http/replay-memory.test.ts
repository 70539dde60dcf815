import { describe, expect, it } from '@jest/globals';
import { ReplayMemory } from './replay-memory.js';

describe('the memory of accepted token ids', () => {
  it('refuses an id again while it is remembered, and takes it once it has expired', () => {
    const memory = new ReplayMemory();
    expect(memory.remember('ehr-a jti-1', 10_000, 0)).toBe(true);
    expect(memory.remember('ehr-a jti-1', 10_000, 9_999)).toBe(false);
    expect(memory.remember('ehr-a jti-1', 10_000, 10_000)).toBe(false);
    expect(memory.remember('ehr-b jti-1', 10_000, 10_000)).toBe(true); // another issuer's id
    expect(memory.remember('ehr-a jti-1', 30_000, 10_001)).toBe(true);
    expect(memory.remember('ehr-a jti-1', 30_000, 20_000)).toBe(false);
  });

  it('holds no more than the ids still live, sweeping at most once per interval', () => {
    const memory = new ReplayMemory(1_000);
    // One id a millisecond, each live for 5 s: at most ~5 s (plus one sweep interval) of ids held.
    for (let now = 0; now < 60_000; now++) expect(memory.remember(`jti-${now}`, now + 5_000, now)).toBe(true);
    expect(memory.size).toBeGreaterThanOrEqual(5_000);
    expect(memory.size).toBeLessThanOrEqual(6_001);
  });

  it('sweeps only when the interval has passed', () => {
    const memory = new ReplayMemory(1_000);
    memory.remember('old', 100, 0);
    memory.remember('new', 10_000, 500); // no sweep yet: 'old' is still held though expired
    memory.remember('newer', 10_000, 999);
    expect(memory.size).toBe(3);
    memory.remember('newest', 10_000, 1_000); // the sweep drops 'old'
    expect(memory.size).toBe(3);
  });
});
