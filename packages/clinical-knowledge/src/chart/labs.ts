import type { ContextItem } from '@aloe/shared/schemas';
import type { ConceptSetId } from '../data/clinical-codes.js';
import { isA } from '../vocabulary/concepts.js';
import { dayOf } from './dates.js';

export interface LabValue {
  item: ContextItem;
  value: number;
  /** The unit as the EHR wrote it. */
  unit: string;
  day: number;
}

/** The latest numeric result in a concept set, taken within `withinDays` before `today` (or any age). */
export function latestLab(
  observations: readonly ContextItem[],
  setId: ConceptSetId,
  today: number,
  withinDays?: number,
): LabValue | undefined {
  let latest: LabValue | undefined;
  for (const item of observations) {
    if (item.status === 'entered-in-error' || item.status === 'cancelled') continue;
    const day = dayOf(item.date);
    if (item.value === undefined || day === undefined || day > today + 86_400_000) continue;
    if (withinDays !== undefined && today - day > withinDays * 86_400_000) continue;
    if (!isA(item, setId)) continue;
    if (!latest || day > latest.day)
      latest = { item, value: item.value.value, unit: item.value.unit ?? '', day };
  }
  return latest;
}

/** A value in the unit a rule states its limits in; undefined when the unit is not one we can convert. */
export function inUnit(lab: LabValue, conversions: Readonly<Record<string, number>>): number | undefined {
  const unit = lab.unit.replace(/\s+/g, '').toLowerCase();
  const factor = conversions[unit];
  return factor === undefined ? undefined : lab.value * factor;
}
