import { describe, expect, it } from '@jest/globals';
import { selectItems } from './select-items.js';

const items = Array.from({ length: 1000 }, (_, index) => ({ id: `item-${index}` }));
const positions = (chosen: readonly { id: string }[]) => chosen.map((item) => Number(item.id.slice(5)));

describe('selectItems', () => {
  it('returns every item in file order without a limit or with one at least the item count', () => {
    expect(selectItems(items, undefined, 1)).toEqual(items);
    expect(selectItems(items, 5000, 1)).toEqual(items);
  });

  it('picks the same items for the same seed and other items for another seed', () => {
    const first = selectItems(items, 50, 42);
    expect(selectItems([...items], 50, 42)).toEqual(first);
    expect(first).toHaveLength(50);
    expect(new Set(first.map((item) => item.id)).size).toBe(50);
    expect(selectItems(items, 50, 43)).not.toEqual(first);
  });

  it('samples across the whole file, returned in file order, not the first items', () => {
    const chosen = positions(selectItems(items, 200, 42));
    expect(chosen).toEqual([...chosen].sort((a, b) => a - b));
    // A uniform sample of 200 from 1000 has about 50 in each quarter; the first 200 would have 200 in one.
    for (let quarter = 0; quarter < 4; quarter++) {
      const inQuarter = chosen.filter((position) => Math.floor(position / 250) === quarter).length;
      expect(inQuarter).toBeGreaterThan(30);
      expect(inQuarter).toBeLessThan(70);
    }
  });

  it('keeps a smaller sample inside a larger one, and an item keeps its fate when others are added', () => {
    const small = new Set(positions(selectItems(items, 20, 7)));
    const large = new Set(positions(selectItems(items, 100, 7)));
    expect([...small].every((position) => large.has(position))).toBe(true);
    const withExtra = [...items, ...Array.from({ length: 10 }, (_, index) => ({ id: `extra-${index}` }))];
    // Added items can only displace chosen ones, never bring back an item the seed left out.
    const originalsChosen = selectItems(withExtra, 100, 7).filter((item) => item.id.startsWith('item-'));
    expect(positions(originalsChosen).every((position) => large.has(position))).toBe(true);
  });

  it('refuses a limit that is not a whole number ≥ 0', () => {
    expect(selectItems(items, 0, 1)).toEqual([]);
    expect(() => selectItems(items, -1, 1)).toThrow(RangeError);
    expect(() => selectItems(items, 2.5, 1)).toThrow(RangeError);
  });
});
