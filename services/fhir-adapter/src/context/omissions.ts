import type { Omission } from '@aloe/shared/schemas';

/** An omission of `count` resources (none when the count is 0; one without a count when it is unknown). */
export function omission(
  type: string,
  reason: Omission['reason'],
  count: number | undefined,
  bound?: number,
): Omission[] {
  if (count === 0) return [];
  return [
    {
      type,
      reason,
      ...(count !== undefined ? { count } : {}),
      ...(bound !== undefined && bound > 0 ? { bound } : {}),
    },
  ];
}

/**
 * One entry per resource type and reason, in a fixed order: the reads, the prefetch and the normaliser
 * each report what they left out, and a type read by two searches (medication orders) is summed. A sum
 * with an unknown or floored part is a floor; the EHR's prefetch sends add up (`bound` is what it sent).
 */
export function mergeOmissions(omissions: readonly Omission[]): Omission[] {
  const merged = new Map<string, Omission>();
  for (const next of omissions) {
    const key = `${next.type}\u0000${next.reason}`;
    const seen = merged.get(key);
    merged.set(key, seen ? sum(seen, next) : next);
  }
  return [...merged.values()].sort(
    (a, b) => a.type.localeCompare(b.type) || a.reason.localeCompare(b.reason),
  );
}

function sum(a: Omission, b: Omission): Omission {
  const known = [a.count, b.count].filter((count): count is number => count !== undefined);
  const count = known.length > 0 ? known.reduce((total, count) => total + count, 0) : undefined;
  const floor = a.atLeast || b.atLeast || (count !== undefined && known.length < 2);
  const bound =
    a.reason === 'not-prefetched' ? (a.bound ?? 0) + (b.bound ?? 0) : Math.max(a.bound ?? 0, b.bound ?? 0);
  return {
    type: a.type,
    reason: a.reason,
    ...(count !== undefined ? { count } : {}),
    ...(floor ? { atLeast: true as const } : {}),
    ...(bound > 0 ? { bound } : {}),
  };
}
