import type { ContextItem } from '@aloe/shared/schemas';
import type { Chart } from '../chart/chart.js';
import { dayOf, daysBetween } from '../chart/dates.js';
import { isActiveStatus } from '../vocabulary/codes.js';
import { isA } from '../vocabulary/concepts.js';

/** Why the CDC 2022 recommendations do not apply to this patient, or undefined when they do. */
export function cdcExclusion(chart: Chart): { reason: string; refs: string[] } | undefined {
  const age = chart.patient.ageYears;
  if (age !== undefined && age < 18) return { reason: 'under 18', refs: [chart.patient.ref] };
  const sickle = chart.conditions.filter((item) => isA(item, 'sickleCell'));
  if (sickle.length > 0) return { reason: 'sickle cell disease', refs: sickle.map((item) => item.ref) };
  const cancer = chart.conditions.filter((item) => isActiveStatus(item) && isA(item, 'malignantCancer'));
  if (cancer.length > 0) return { reason: 'active cancer', refs: cancer.map((item) => item.ref) };
  const terminal = chart.conditions.filter((item) => isA(item, 'terminalCondition'));
  if (terminal.length > 0)
    return { reason: 'a condition likely terminal', refs: terminal.map((item) => item.ref) };
  return undefined;
}

/**
 * The IG's end-of-life assessment: an active condition likely terminal (or of limited life
 * expectancy), or a discharge to hospice within the last year.
 */
export function endOfLife(chart: Chart): ContextItem[] {
  const conditions = chart.conditions.filter(
    (item) => isActiveStatus(item) && isA(item, 'terminalCondition'),
  );
  const hospice = chart.encounters.filter((item) => {
    const day = dayOf(item.date);
    const recent = day !== undefined && day <= chart.today && daysBetween(day, chart.today) <= 365;
    return (
      recent &&
      (isA(item, 'hospice') ||
        /hosp(ice)?$/i.test(item.disposition?.code ?? '') ||
        /hospice/i.test(item.disposition?.display ?? ''))
    );
  });
  return [...conditions, ...hospice];
}
