const DAY_MS = 86_400_000;

// Rules read the same dates many times (every lab rule walks the observations): each distinct text is
// parsed once (bounded).
const parsed = new Map<string, number | undefined>();

/** The calendar day (UTC midnight, in ms) of an ISO 8601 date or date-time; undefined when unreadable. */
export function dayOf(value: string | undefined): number | undefined {
  if (!value) return undefined;
  if (parsed.has(value)) return parsed.get(value);
  const match = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(value);
  let ms: number | undefined;
  if (match) {
    const [, year, month = '01', day = '01'] = match;
    ms = Date.UTC(Number(year), Number(month) - 1, Number(day));
    if (!Number.isFinite(ms)) ms = undefined;
  }
  if (parsed.size >= 20_000) parsed.clear();
  parsed.set(value, ms);
  return ms;
}

/** Whole days from `from` to `to` (both calendar days, ms). */
export function daysBetween(from: number, to: number): number {
  return Math.round((to - from) / DAY_MS);
}

export function addDays(day: number, days: number): number {
  return day + days * DAY_MS;
}

/** `day` minus whole calendar months (day of month kept where it exists). */
export function minusMonths(day: number, months: number): number {
  const date = new Date(day);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - months, date.getUTCDate());
}

/** YYYY-MM-DD of a calendar day. */
export function isoDay(day: number): string {
  return new Date(day).toISOString().slice(0, 10);
}
