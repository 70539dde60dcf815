// The reference suites' dates are fixed in time; their own harness (cqf-tooling's RollTestsDataDates)
// moves them forward so "within the last N days" rules see the data as it was meant. This does the
// same: every date of a resource moves by the same number of days.

const DATE = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?$/;
const DAY_MS = 86_400_000;

/** Moves an ISO date or date-time by whole days (time and offset kept). Anything else is returned as is. */
export function shiftDate(value: string, days: number): string {
  const match = DATE.exec(value);
  if (!match) return value;
  const shifted = new Date(Date.parse(`${match[1]}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
  return `${shifted}${match[2] ?? ''}`;
}

/** Whole days from a reference day (YYYY-MM-DD) to `today`. */
export function daysSince(referenceDay: string, today: Date): number {
  const now = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  return Math.round((now - Date.parse(`${referenceDay}T00:00:00Z`)) / DAY_MS);
}

// Elements whose dates stay (record-keeping, not clinical time).
const KEEP = new Set(['meta', 'extension', 'text', 'id', 'identifier']);

/**
 * A copy of a resource with every FHIR date or date-time moved by `days` (birthDate included, as the
 * IG's harness does, so ages stay), at any depth: authoredOn, effective[x], validityPeriod … Codes,
 * ids, identifiers, meta and extensions are left alone. Pure.
 */
export function rollResource<T>(resource: T, days: number): T {
  const roll = (value: unknown): unknown => {
    if (typeof value === 'string') return shiftDate(value, days);
    if (Array.isArray(value)) return value.map(roll);
    if (value && typeof value === 'object')
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, KEEP.has(key) ? item : roll(item)]),
      );
    return value;
  };
  return roll(resource) as T;
}
