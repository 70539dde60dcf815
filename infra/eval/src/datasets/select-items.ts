import { createHash } from 'node:crypto';

/** A per-item draw in [0, 2^48) that depends only on the seed and the item's id. */
function drawOf(seed: number | string, id: string): number {
  return Number.parseInt(createHash('sha256').update(`${seed}\u0000${id}`).digest('hex').slice(0, 12), 16);
}

/**
 * A seeded random sample of `limit` items, returned in file order; without a limit (or one at least the
 * item count) every item in file order. Each item's draw depends only on the seed and its id, so the
 * same seed picks the same items on every run, and a smaller limit picks a subset of a larger one.
 */
export function selectItems<T extends { id: string }>(
  items: readonly T[],
  limit: number | undefined,
  seed: number | string,
): T[] {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
    throw new RangeError(`The item limit must be a whole number ≥ 0, got ${limit}`);
  }
  if (limit === undefined || limit >= items.length) return [...items];
  const ranked = items
    .map((item, index) => ({ index, draw: drawOf(seed, item.id) }))
    .sort((a, b) => a.draw - b.draw || a.index - b.index);
  const chosen = ranked.slice(0, limit).map((entry) => entry.index);
  chosen.sort((a, b) => a - b);
  return chosen.map((index) => items[index]!);
}
