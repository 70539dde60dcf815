import { describe, expect, it } from '@jest/globals';
import type { RedTeamPrompt } from './red-team-sets.js';
import { sampleAcrossCategories } from './sample-prompts.js';

const prompts: RedTeamPrompt[] = [
  ...Array.from({ length: 10 }, (_, i) => ({ id: `a${i}`, text: `a ${i}`, category: 'alpha' })),
  ...Array.from({ length: 3 }, (_, i) => ({ id: `b${i}`, text: `b ${i}`, category: 'beta' })),
  { id: 'c0', text: 'c 0', category: 'gamma' },
];
const categoriesOf = (sample: readonly RedTeamPrompt[]) => sample.map((prompt) => prompt.category);

describe('sampleAcrossCategories', () => {
  it('takes one prompt per category in turn, so a small sample reaches every category', () => {
    const three = categoriesOf(sampleAcrossCategories(prompts, 3, 8));
    expect([...three].sort()).toEqual(['alpha', 'beta', 'gamma']);
    // Then the same order again; gamma has one prompt, so later rounds go on without it.
    const seven = categoriesOf(sampleAcrossCategories(prompts, 7, 8));
    const [first, second] = three.filter((category) => category !== 'gamma');
    expect(seven).toEqual([...three, first, second, first, second]);
  });

  it('puts the categories in a seeded order, so a sample smaller than the categories is not always the first by name', () => {
    const firstPicked = new Set(
      [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => sampleAcrossCategories(prompts, 1, seed)[0]!.category),
    );
    expect(firstPicked.size).toBeGreaterThan(1);
  });

  it('is the same for the same seed, another for another seed, and a prefix of a larger sample', () => {
    const five = sampleAcrossCategories(prompts, 5, 8);
    expect(sampleAcrossCategories(prompts, 5, 8)).toEqual(five);
    expect(sampleAcrossCategories(prompts, 9, 8).slice(0, 5)).toEqual(five);
    const seeds = [1, 2, 3, 4, 5].map((seed) =>
      sampleAcrossCategories(prompts, 5, seed)
        .map((p) => p.id)
        .join(),
    );
    expect(new Set(seeds).size).toBeGreaterThan(1);
  });

  it('gives every prompt once when the limit is at least the set, and nothing for 0', () => {
    const all = sampleAcrossCategories(prompts, 100, 8);
    expect(all).toHaveLength(prompts.length);
    expect(new Set(all.map((prompt) => prompt.id)).size).toBe(prompts.length);
    expect(sampleAcrossCategories(prompts, 0, 8)).toEqual([]);
    expect(() => sampleAcrossCategories(prompts, -1, 8)).toThrow(RangeError);
  });
});
